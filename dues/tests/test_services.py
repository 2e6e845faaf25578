"""Dues workflows: the yearly base (entered, imported all or nothing, confirmed), a reduction
approved by the level above, payments (window, no month twice, receipts), the summary rows kept
in the same transaction, "paid up to" for the transfer letter."""


import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import summaries
from core.errors import NotFound
from core.models import AuditEntry
from dues import rules, selectors, services
from dues.models import DuesMonth, DuesPaidCount, DuesPayment, DuesYear, Method
from dues.rules import Category
from members.models import Member, MemberEvent
from orgs.models import OrgSetting

TODAY = timezone.localdate()
YEAR = TODAY.year
NOW = rules.month_index(TODAY)


def set_year(world, key="a1_member", *, year=YEAR, category=Category.EMPLOYED, base=540_000, actor="secretary"):
    return services.year_set(actor=world.users[actor], member=world.members[key], year=year,
                             category=category, base_fen=base)


def confirmed(world, *keys, base=540_000):
    """The members' amounts set and confirmed for last year, this year and next (payments reach
    6 months either way, across a year end whatever today is)."""
    for year in (YEAR - 1, YEAR, YEAR + 1):
        for key in keys:
            set_year(world, key, year=year, base=base)
        services.year_confirm(actor=world.users["secretary"], org=world.branch_a1, year=year)


def opened(world, *keys, paid_up_to=NOW - 1):
    for key in keys:
        services.standing_open(actor=world.users["secretary"], member=world.members[key], paid_up_to=paid_up_to)


def pay(world, key="a1_member", *, first=NOW, months=1, actor="secretary"):
    return services.payment_record(actor=world.users[actor], member=world.members[key], first_month=first,
                                   months=months, method=Method.CASH)


def test_a_base_gives_the_rules_amount_and_an_audit_entry(world):
    dues_year = set_year(world)
    assert (dues_year.amount_fen, dues_year.rate_bp) == (8100, 150)
    assert AuditEntry.objects.filter(action="dues.year_set").count() == 1


def test_a_bad_base_is_refused_with_nothing_written(world):
    with pytest.raises(ValidationError, match="不能为负数"):
        set_year(world, base=-100)
    assert not DuesYear.objects.exists()


def test_an_out_of_scope_member_is_not_found(world):
    with pytest.raises(NotFound):
        set_year(world, "b1_member")


def test_the_farmers_amount_is_a_local_setting_inherited_down_the_tree(world):
    OrgSetting.objects.create(org=world.district_a, key="dues_farmer_fen", value=80)
    assert set_year(world, category=Category.FARMER, base=None).amount_fen == 80
    OrgSetting.objects.filter(org=world.district_a).update(value=500)
    with pytest.raises(ValidationError, match="0.20–1.00"):
        set_year(world, "a1_secretary", category=Category.FARMER, base=None)


def test_a_confirmed_year_is_fixed(world):
    confirmed(world, "a1_member")
    assert DuesYear.objects.get(year=YEAR).confirmed_on == TODAY
    with pytest.raises(ValidationError, match="全年不变"):
        set_year(world, base=1_000_000)


def test_the_amounts_that_differ_from_last_year_are_listed(world):
    set_year(world, "a1_member", year=YEAR - 1, base=540_000)
    set_year(world, "a1_secretary", year=YEAR - 1, base=540_000)
    set_year(world, "a1_member", base=540_000)
    set_year(world, "a1_secretary", base=1_150_000)
    changed = selectors.differing(world.branch_a1, YEAR)
    assert [(d.member.name, d.previous_fen, d.amount_fen) for d in changed] == [("李建国", 8100, 23000)]


def test_a_reduction_needs_the_level_above(world):
    dues_year = set_year(world)
    with pytest.raises(ValidationError, match="上级党组织批准"):
        services.year_adjust(actor=world.users["secretary"], dues_year=dues_year, adjusted_fen=100, approval="x")
    with pytest.raises(ValidationError, match="批准文件"):
        services.year_adjust(actor=world.users["a_admin"], dues_year=dues_year, adjusted_fen=100, approval="")
    with pytest.raises(NotFound):
        services.year_adjust(actor=world.users["b_admin"], dues_year=dues_year, adjusted_fen=100, approval="x")
    services.year_adjust(actor=world.users["a_admin"], dues_year=dues_year, adjusted_fen=100, approval="和平区委组织部批复")
    dues_year.refresh_from_db()
    assert dues_year.due_fen == 100 and dues_year.adjustment_approval == "和平区委组织部批复"
    assert MemberEvent.objects.filter(kind="dues_adjust").exists()


# --- importing -------------------------------------------------------------------------------------

def cells(*rows):
    return [(number, dict(zip(("name", "id_number", "category", "base"), row, strict=True)))
            for number, row in enumerate(rows, start=2)]


def test_an_import_with_a_bad_row_writes_nothing_and_names_the_row(world):
    from dangjian.testing import ID_NUMBERS

    good = ("张秀英", ID_NUMBERS["a1_member"], "在职", "5400")
    bad_base = ("李建国", ID_NUMBERS["a1_secretary"], "在职", "五千")
    with pytest.raises(ValidationError) as refused:
        services.bases_import(actor=world.users["secretary"], org=world.branch_a1, year=YEAR, cells=cells(good, bad_base))
    assert "第3行" in str(refused.value) and "不是数字" in str(refused.value)
    assert not DuesYear.objects.exists()


def test_the_preview_flags_strangers_wrong_names_duplicates_and_categories(world):
    from dangjian.testing import ID_NUMBERS

    rows = services.bases_preview(actor=world.users["secretary"], org=world.branch_a1, year=YEAR, cells=cells(
        ("张秀英", ID_NUMBERS["a1_member"], "在职", "5,400.00"),
        ("张秀英", ID_NUMBERS["a1_member"], "在职", "5400"),
        ("王五", ID_NUMBERS["a1_secretary"], "在职", "5400"),
        ("赵志强", ID_NUMBERS["b1_member"], "在职", "5400"),
        ("李建国", ID_NUMBERS["a1_secretary"], "宇航员", "5400"),
    ))
    assert rows[0].errors == [] and rows[0].amount.fen == 8100
    assert "两次" in rows[1].errors[0]
    assert "姓名与身份证号不符" in rows[2].errors[0]
    assert "没有这个身份证号" in rows[3].errors[0]
    assert "人员类别" in rows[4].errors[0]


def test_a_clean_import_writes_every_row(world):
    from dangjian.testing import ID_NUMBERS

    count = services.bases_import(actor=world.users["secretary"], org=world.branch_a1, year=YEAR, cells=cells(
        ("张秀英", ID_NUMBERS["a1_member"], "在职", "10000"), ("李建国", ID_NUMBERS["a1_secretary"], "退休", "6000")))
    assert count == 2
    assert sorted(DuesYear.objects.values_list("amount_fen", flat=True)) == [6000, 15000]


# --- payments --------------------------------------------------------------------------------------

def test_a_payment_takes_the_confirmed_amount_and_gets_a_receipt(world):
    confirmed(world, "a1_member")
    opened(world, "a1_member")
    payment = pay(world, first=NOW)
    assert payment.amount_fen == 8100
    assert payment.receipt.startswith(f"DF{TODAY.year}-")
    second = pay(world, first=NOW + 1)
    assert second.receipt != payment.receipt
    assert services.paid_up_to_date(world.members["a1_member"]) == rules.month_date(NOW + 1)


def test_a_month_already_paid_is_refused_and_nothing_written(world):
    confirmed(world, "a1_member")
    opened(world, "a1_member")
    pay(world, first=NOW)
    with pytest.raises(ValidationError, match="不能重复缴纳"):
        pay(world, first=NOW)
    assert DuesPayment.objects.count() == 1


def test_an_unconfirmed_year_cannot_be_paid(world):
    set_year(world)
    opened(world, "a1_member")
    with pytest.raises(ValidationError, match="尚未核定"):
        pay(world)
    assert not DuesPayment.objects.exists()


def test_more_than_six_months_back_is_refused(world):
    confirmed(world, "a1_member")
    with pytest.raises(ValidationError, match="最多补缴 6 个月"):
        pay(world, first=NOW - 7)


def test_quarterly_payments_need_the_branchs_consent(world):
    confirmed(world, "a1_member")
    opened(world, "a1_member")
    with pytest.raises(ValidationError, match="未同意按季"):
        pay(world, first=NOW, months=3)
    OrgSetting.objects.create(org=world.branch_a1, key="dues_quarterly", value=True)
    assert pay(world, first=NOW, months=3).amount_fen == 3 * 8100


def test_a_payment_out_of_scope_is_not_found(world):
    with pytest.raises(NotFound):
        pay(world, "b1_member")


def test_payments_keep_the_summaries_in_the_same_transaction(world):
    confirmed(world, "a1_member", "a1_secretary")
    opened(world, "a1_member", "a1_secretary")
    pay(world, "a1_member", first=NOW)
    pay(world, "a1_secretary", first=NOW)
    pay(world, "a1_member", first=NOW + 1)
    assert not any(summaries.check(["dues.paid_count", "dues.month"]))
    assert DuesMonth.objects.get().amount_fen == 3 * 8100
    assert dict(DuesPaidCount.objects.filter(members__gt=0).values_list("paid_up_to", "members")) == {NOW: 1, NOW + 1: 1}


def test_arrears_up_the_tree_come_from_the_summary_rows(world):
    confirmed(world, "a1_member", "a1_secretary")
    opened(world, "a1_member", "a1_secretary", paid_up_to=NOW - 5)
    pay(world, "a1_member", first=NOW - 4)
    pay(world, "a1_secretary", first=NOW - 4)
    for month in range(NOW - 3, NOW):
        pay(world, "a1_secretary", first=month)
    # a1_member: paid up to NOW-4, behind 3 months (NOW-3..NOW-1); a1_secretary: up to date.
    assert selectors.behind_counts(world.district_a, today=TODAY) == {"yellow": 1, "red": 0}
    assert selectors.behind_counts(world.city, today=TODAY)["yellow"] == 1
    assert selectors.behind_counts(world.district_b, today=TODAY) == {"yellow": 0, "red": 0}
    listed = selectors.arrears(world.branch_a1, today=TODAY)
    assert [(row.member.name, row.behind) for row in listed] == [("张秀英", 3)]


def test_paid_up_to_for_a_member_who_never_paid_is_none(world):
    assert services.paid_up_to_date(Member.objects.get(pk=world.members["a2_member"].pk)) is None


def test_a_member_who_never_paid_must_begin_with_the_oldest_payable_month(world):
    confirmed(world, "a1_member")
    with pytest.raises(ValidationError, match="不能跳过未缴月份"):
        pay(world, first=NOW)
    assert pay(world, first=NOW - 6).first_month == NOW - 6


def test_the_opening_paid_up_to_is_refused_after_a_payment_or_in_the_future(world):
    confirmed(world, "a1_member")
    with pytest.raises(ValidationError, match="不能晚于本月"):
        opened(world, "a1_member", paid_up_to=NOW + 1)
    opened(world, "a1_member")
    pay(world, first=NOW)
    with pytest.raises(ValidationError, match="已有缴纳记录"):
        opened(world, "a1_member")


def test_a_transferred_member_is_counted_at_the_new_branch_from_its_first_write(world):
    set_year(world)
    opened(world, "a1_member", paid_up_to=NOW - 5)
    Member.objects.filter(pk=world.members["a1_member"].pk).update(org=world.branch_a2)
    world.members["a1_member"].refresh_from_db()
    services.year_set(actor=world.users["a_admin"], member=world.members["a1_member"], year=YEAR + 1,
                      category=Category.EMPLOYED, base_fen=540_000)
    assert selectors.behind_counts(world.branch_a2, today=TODAY)["yellow"] == 1
    assert selectors.behind_counts(world.branch_a1, today=TODAY)["yellow"] == 0
    assert not any(summaries.check(["dues.paid_count"]))


def test_the_transfer_letter_carries_paid_up_to_from_the_dues(world):
    from transfers.forms import LetterIssueForm

    confirmed(world, "a1_member")
    opened(world, "a1_member")
    pay(world, first=NOW)
    member = world.members["a1_member"]
    form = LetterIssueForm(initial={"member": str(member.pk)}, user=world.users["secretary"])
    assert form.initial["dues_paid_until"] == rules.month_date(NOW)
    posted = LetterIssueForm({"member": member.pk, "to_org_code": world.branch_b1.code, "issued_on": TODAY,
                              "valid_until": TODAY, "reason": "工作调动"}, user=world.users["secretary"])
    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data["dues_paid_until"] == rules.month_date(NOW)
    unknown = LetterIssueForm({"member": world.members["a1_secretary"].pk, "to_org_code": world.branch_b1.code,
                               "issued_on": TODAY, "valid_until": TODAY, "reason": "工作调动"}, user=world.users["secretary"])
    assert not unknown.is_valid() and "没有该党员的党费记录" in str(unknown.errors["dues_paid_until"])


def test_the_secretarys_workbench_lists_the_members_behind_from_three_months(world):
    from insights import selectors as insights

    set_year(world)
    set_year(world, "a1_secretary")
    opened(world, "a1_member", paid_up_to=NOW - 6)  # 5 months behind: red
    opened(world, "a1_secretary", paid_up_to=NOW - 3)  # 2 months: not yet listed
    bench = insights.branch_bench(world.branch_a1, world.users["secretary"], TODAY)
    assert [(item.level, item.url) for item in bench.dues] == [
        ("red", f"/dues/members/{world.members['a1_member'].pk}/pay/")]
    assert "已欠缴 5 个月" in bench.dues[0].text


def test_remittances_and_the_reconciliation_per_level(world):
    from dues.models import DuesRemittance

    confirmed(world, "a1_member", "a1_secretary")
    opened(world, "a1_member", "a1_secretary")
    pay(world, "a1_member", first=NOW)
    pay(world, "a1_secretary", first=NOW)
    street = world.street_a
    with pytest.raises(NotFound):
        services.remittance_record(actor=world.users["b_admin"], org=world.branch_a1, year=YEAR, amount_fen=100,
                                   remitted_on=TODAY)
    with pytest.raises(ValidationError, match="须大于0"):
        services.remittance_record(actor=world.users["secretary"], org=world.branch_a1, year=YEAR, amount_fen=0,
                                   remitted_on=TODAY)
    services.remittance_record(actor=world.users["secretary"], org=world.branch_a1, year=YEAR, amount_fen=10_000,
                               remitted_on=TODAY, reference="上缴-1")
    assert DuesRemittance.objects.get().to_org == street
    own, children = selectors.reconciliation(street, YEAR)
    assert own.received_fen == 2 * 8100 and own.remitted_fen == 0
    row = next(r for r in children if r.org == world.branch_a1)
    assert (row.received_fen, row.remitted_fen, row.difference_fen) == (16_200, 10_000, 6_200)
    assert next(r for r in children if r.org == world.branch_a2).received_fen == 0
    district_own, district_children = selectors.reconciliation(world.district_a, YEAR)
    assert district_own.received_fen == 16_200
    assert [r.received_fen for r in district_children if r.org == street] == [16_200]


def test_the_warnings_page_names_the_members_behind_with_article_9(world):
    from insights import selectors as insights

    set_year(world)
    opened(world, "a1_member", paid_up_to=NOW - 4)  # 3 months behind: yellow
    found = [w for w in insights.warnings(world.district_a, TODAY) if w.kind == "dues"]
    assert [(w.level, w.source) for w in found] == [("yellow", rules.ARTICLE_9)]
    assert "已连续 3 个月未交纳党费" in found[0].text
    assert not [w for w in insights.warnings(world.district_b, TODAY) if w.kind == "dues"]
