"""A bank statement matched to the branch's members: exact names, a shared name told apart by the
ID number's last digits, a typo suggested but not matched, duplicates refused; unmatched lines are
shown and never committed without a member; all lines or none."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.testing import ID_NUMBERS
from dues import rules, services
from dues.models import DuesPayment, Method
from dues.rules import Category
from members.models import Member

TODAY = timezone.localdate()
NOW = rules.month_index(TODAY)


@pytest.fixture
def ready(world):
    secretary = world.users["secretary"]
    for key in ("a1_member", "a1_secretary"):
        for year in (TODAY.year - 1, TODAY.year, TODAY.year + 1):
            services.year_set(actor=secretary, member=world.members[key], year=year,
                              category=Category.EMPLOYED, base_fen=540_000)
        services.standing_open(actor=secretary, member=world.members[key], paid_up_to=NOW - 1)
    for year in (TODAY.year - 1, TODAY.year, TODAY.year + 1):
        services.year_confirm(actor=secretary, org=world.branch_a1, year=year)
    return world


def line(name, amount="81.00", reference="R1", note="", day=None):
    return {"name": name, "amount": amount, "date": f"{day or TODAY:%Y-%m-%d}", "reference": reference, "note": note}


def cells(*lines):
    return list(enumerate(lines, start=2))


def preview(world, *lines, chosen=None):
    return services.statement_preview(actor=world.users["secretary"], org=world.branch_a1, cells=cells(*lines), chosen=chosen)


def test_exact_names_are_matched_and_the_months_follow_the_amount(ready):
    rows = preview(ready, line("张秀英"), line("李建国", "243.00", "R2"))
    assert [(r.member.name, r.months, r.errors) for r in rows] == [("张秀英", 1, []), ("李建国", 3, [])]


def test_a_typo_is_not_matched_but_suggested(ready):
    (row,) = preview(ready, line("张秀瑛"))
    assert row.member is None and row.suggestions == ["张秀英"]


def test_an_unmatched_line_is_never_committed_and_nothing_is_written(ready):
    with pytest.raises(ValidationError, match="第3行：未匹配到党员"):
        services.statement_import(actor=ready.users["secretary"], org=ready.branch_a1,
                                  cells=cells(line("张秀英"), line("张秀瑛", reference="R2")))
    assert not DuesPayment.objects.exists()


def test_the_secretary_chooses_the_member_of_an_unmatched_line(ready):
    member = ready.members["a1_member"]
    payments = services.statement_import(actor=ready.users["secretary"], org=ready.branch_a1,
                                         cells=cells(line("张秀瑛")), chosen={2: member.pk})
    assert [(p.member_id, p.first_month, p.method, p.reference) for p in payments] == [(member.pk, NOW, Method.STATEMENT, "R1")]


def test_duplicates_in_the_file_or_already_imported_are_refused(ready):
    rows = preview(ready, line("张秀英"), line("李建国", reference="R1"))
    assert "在文件中重复出现" in rows[1].errors[0]
    services.statement_import(actor=ready.users["secretary"], org=ready.branch_a1, cells=cells(line("张秀英")))
    (again,) = preview(ready, line("张秀英"))
    assert "已导入过" in again.errors[0]


def test_an_amount_that_is_not_one_or_three_months_is_an_error(ready):
    (row,) = preview(ready, line("张秀英", "100.00"))
    assert "不是张秀英1个月或3个月的党费" in row.errors[0]


def test_a_name_two_members_share_is_told_apart_by_the_id_numbers_last_digits(ready):
    Member.objects.filter(pk=ready.members["a1_secretary"].pk).update(name="张秀英")
    (ambiguous,) = preview(ready, line("张秀英"))
    assert ambiguous.member is None
    (told,) = preview(ready, line("张秀英", note=f"党费 身份证后四位{ID_NUMBERS['a1_secretary'][-4:]}"))
    assert told.member.pk == ready.members["a1_secretary"].pk


def test_bad_amounts_and_dates_are_errors_not_crashes(ready):
    (row,) = preview(ready, {"name": "张秀英", "amount": "八十一", "date": "昨天", "reference": ""})
    assert len(row.errors) == 3
