"""Roster import (导入花名册): every rule refuses its crafted bad row with a Chinese message and
writes nothing; tolerant formats read back right; re-import updates; scope holds; bad files are
refused cleanly; the batch is its uploader's own; the CLI's exit codes; the masked xlsx export."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core import idcard
from core.models import AuditEntry
from dangjian.testing import CLEAR_ID, CLEAR_PHONE
from members import importing
from members import services as member_services
from members.importing import reading
from members.models import ImportBatch, ImportRow, Member, MemberEvent, MemberStatus
from orgs.models import Org


def committed(request, *args, **kwargs):
    """A request as the server runs it: what it queues on commit (the import's check and commit
    tasks, members.importing) is queued when it ends, not dropped with the test's transaction."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return request(*args, **kwargs)


HEADERS = ["姓名", "性别", "民族", "出生日期", "身份证号", "学历", "入党日期", "转正日期", "所在党组织",
           "人员类别", "联系电话"]


def number(born: str, seq: str = "011") -> str:
    first17 = f"120104{born}{seq}"
    return first17 + idcard.check_char(first17)


def person(i: int = 1, **changes) -> dict:
    """A valid row: a man born 1985-03-02 (odd sequence digit), admitted at 25, converted a year later."""
    row = {"姓名": f"刘洋{i}", "性别": "男", "民族": "汉族", "出生日期": "1985-03-02",
           "身份证号": number("19850302", f"{i:02d}1"), "学历": "大学本科", "入党日期": "2010-07-01",
           "转正日期": "2011-07-01", "所在党组织": "HP01B02", "人员类别": "在职",
           "联系电话": f"138{i:08d}"}
    row.update(changes)
    return row


def xlsx(rows: list[dict], headers=None) -> bytes:
    headers = headers or list(dict.fromkeys(k for row in rows for k in row))
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def preview(world, content: bytes, *, user="a_admin", name="花名册.xlsx") -> ImportBatch:
    actor = world.users[user]
    batch = importing.batch_upload(actor=actor, upload=SimpleUploadedFile(name, content), file_name=name)
    return importing.batch_preview(actor=actor, batch=batch)


def counts():
    return Member.objects.count(), MemberEvent.objects.count()


def errors_of(batch) -> list[str]:
    return [e for o in batch.outcomes for e in o["errors"]]


# --- every rule, one crafted bad row each -----------------------------------------------------

BAD_ROWS = [
    ({"身份证号": number("19850302")[:17] + "0"}, "身份证号校验码错误：最后一位应为"),
    ({"身份证号": "12010419850302011"}, "身份证号应为18位，当前为17位"),
    ({"出生日期": "1985-03-03"}, "出生日期 1985-03-03 与身份证号中的出生日期 1985-03-02 不一致"),
    ({"性别": "女"}, "性别“女”与身份证号不一致"),
    ({"入党日期": "2002-07-01", "转正日期": "2003-07-01"}, "入党时须年满十八岁"),
    ({"转正日期": "2009-07-01"}, "转正日期 2009-07-01 早于入党日期 2010-07-01"),
    ({"申请入党日期": "2011-01-01"}, "申请入党日期 2011-01-01 晚于入党日期 2010-07-01"),
    ({"所在党组织": "不存在的支部"}, "所在党组织“不存在的支部”不存在或不在您的管理范围内"),
    ({"所在党组织": "HX01B01"}, "所在党组织“HX01B01”不存在或不在您的管理范围内"),
    ({"所在党组织": "HP01B02", "所在党小组": "第一党小组"}, "党小组“第一党小组”不是“朝阳里社区第二党支部”下属的党小组"),
    ({"联系电话": "12345"}, "联系电话格式不正确"),
    ({"学历": "幼儿园"}, "学历“幼儿园”不在可选范围内"),
    ({"人员类别": "宇航员"}, "人员类别“宇航员”不在可选范围内"),
    ({"姓名": "", "入党日期": ""}, "缺少必填项：姓名、入党日期"),
    ({"入党日期": "去年七月"}, "入党日期：日期“去年七月”无法识别"),
    ({"入党日期": (timezone.localdate() + timedelta(days=3)).isoformat()}, "晚于今天"),
]


@pytest.mark.parametrize("changes, message", BAD_ROWS)
def test_each_rule_refuses_its_bad_row_with_a_message_and_writes_nothing(world, changes, message):
    before = counts()
    batch = preview(world, xlsx([person(1), person(2, **changes)]))
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.total_rows, batch.error_rows, batch.valid_rows) == (2, 1, 1)
    assert batch.outcomes[0]["row"] == 3 and batch.outcomes[0]["action"] == "error"  # errors first
    assert any(message in e for e in batch.outcomes[0]["errors"]), batch.outcomes[0]["errors"]
    with pytest.raises(Exception, match="只有预览无错误的导入才能确认"):
        importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert counts() == before


def test_a_duplicate_id_number_within_the_file_names_the_first_row(world):
    batch = preview(world, xlsx([person(1), person(2, 身份证号=person(1)["身份证号"])]))
    assert "身份证号与第2行重复" in errors_of(batch)


def test_an_id_number_stored_as_an_excel_number_gets_a_hint(world):
    batch = preview(world, xlsx([person(1, 身份证号=120104198503020111)]))
    assert any("请设为文本格式" in e for e in errors_of(batch))


def test_a_member_registered_outside_the_importers_scope_is_refused_without_saying_where(world):
    foreign = world.members["b1_member"]
    batch = preview(world, xlsx([person(1, 身份证号=foreign.get_id_number(), 出生日期="", 性别="")]))
    assert errors_of(batch) == ["该身份证号已登记在您管理范围以外的党组织"]
    assert world.branch_b1.name not in str(batch.outcomes)
    assert AuditEntry.objects.filter(action="member.import.preview", result="denied").count() == 1


def test_the_batch_stores_no_clear_id_or_phone_number(world):
    batch = preview(world, xlsx([person(1), person(2, 性别="女")]))
    assert not CLEAR_ID.search(str(batch.outcomes)) and not CLEAR_PHONE.search(str(batch.outcomes))


# --- commit and re-import ---------------------------------------------------------------------

def test_a_clean_file_commits_all_rows_in_one_go_with_timeline_and_one_audit_entry(world):
    before = Member.objects.count()
    audit_before = AuditEntry.objects.filter(action="member.import").count()
    batch = preview(world, xlsx([person(i) for i in range(1, 6)]))
    assert [o["action"] for o in batch.outcomes] == ["create"] * 5
    batch = importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert (batch.status, batch.created_rows, batch.updated_rows) == ("committed", 5, 0)
    assert Member.objects.count() == before + 5
    member = Member.objects.get(name="刘洋3")
    assert member.get_id_number() == person(3)["身份证号"] and member.get_phone() == "13800000003"
    assert (member.org, member.status, member.gender) == (world.branch_a2, MemberStatus.FULL, "male")
    assert member.events.get().kind == "import"
    assert AuditEntry.objects.filter(action="member.import").count() == audit_before + 1
    assert AuditEntry.objects.filter(action="member.import").first().changes["created"] == 5


def test_reimporting_the_same_file_updates_instead_of_duplicating(world):
    content = xlsx([person(i) for i in range(1, 4)])
    importing.batch_commit(actor=world.users["a_admin"], batch=preview(world, content))
    before = counts()
    again = preview(world, content)
    assert [o["action"] for o in again.outcomes] == ["update"] * 3
    again = importing.batch_commit(actor=world.users["a_admin"], batch=again)
    assert (again.created_rows, again.updated_rows) == (0, 3)
    assert counts() == before  # nothing changed, so no member row and no timeline line is written


def test_reimport_moves_a_member_and_changes_the_phone(world):
    importing.batch_commit(actor=world.users["a_admin"], batch=preview(world, xlsx([person(1)])))
    changed = person(1, 所在党组织="朝阳里社区第一党支部", 联系电话="13900000000")
    changed["所在党小组"] = "HP01B01G1"
    importing.batch_commit(actor=world.users["a_admin"], batch=preview(world, xlsx([changed])))
    member = Member.objects.get(name="刘洋1")
    assert (member.org, member.group, member.get_phone()) == (world.branch_a1, world.group_a1, "13900000000")
    assert member.events.count() == 2


def test_an_org_moved_out_of_scope_after_the_preview_rolls_the_whole_commit_back(world):
    batch = preview(world, xlsx([person(1), person(2)]))
    Org.objects.move(Org.objects.get(pk=world.branch_a2.pk), Org.objects.get(pk=world.district_b.pk), "last-child")
    before = counts()
    batch = importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert batch.status == "failed" and "第2行" in batch.message and "数据在预览后已变化" in batch.message
    assert counts() == before


def test_an_id_number_registered_elsewhere_after_the_preview_rolls_the_commit_back(world):
    batch = preview(world, xlsx([person(1), person(2)]))
    member_services.member_create(actor=world.users["b_admin"], org=world.branch_b1, name="刘洋2",
                                  id_number=person(2)["身份证号"], status="full", joined=date(2010, 7, 1))
    before = counts()
    batch = importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert batch.status == "failed" and "第3行：该身份证号已登记在您管理范围以外的党组织" in batch.message
    assert counts() == before


def test_an_id_number_registered_in_scope_after_the_preview_is_updated_not_duplicated(world):
    batch = preview(world, xlsx([person(1), person(2)]))
    member_services.member_create(actor=world.users["a_admin"], org=world.branch_a1, name="刘洋二",
                                  id_number=person(2)["身份证号"], status="full", joined=date(2010, 7, 1))
    batch = importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert (batch.status, batch.created_rows, batch.updated_rows) == ("committed", 1, 1)
    assert Member.objects.get(name="刘洋2").org == world.branch_a2


def test_imported_members_are_found_by_pinyin_initials(world):
    importing.batch_commit(actor=world.users["a_admin"], batch=preview(world, xlsx([person(1, 姓名="欧阳明")])))
    member = Member.objects.get(name="欧阳明")
    assert (member.name_initials, member.name_pinyin) == ("oym", "ouyangming")
    page = world.client("a_admin").get("/members/?q=oym").content.decode()
    assert "欧阳明" in page


def test_the_commit_keeps_no_ready_to_write_rows_and_no_clear_numbers(world):
    batch = preview(world, xlsx([person(1), person(2)]))
    staged = " ".join(str(row.data) for row in batch.rows.all())
    assert not CLEAR_ID.search(staged) and not CLEAR_PHONE.search(staged)
    batch = importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert batch.status == "committed" and not batch.rows.exclude(data=None).exists()


# --- tolerant formats -------------------------------------------------------------------------

def test_real_world_spellings_are_normalised(world):
    rows = [
        person(1, 出生日期="1985/3/2", 入党日期="2010年7月1日", 转正日期="2011.07.01",
               所在党组织=" 朝阳里社区第二党支部 ", 联系电话="１３８ ００００ ０００１"),
        person(2, 身份证号=" " + number("19850302", "021").translate(str.maketrans("0123456789", "０１２３４５６７８９")),
               姓名="张　三", 学历="本科", 人员类别="退休"),
    ]
    lower_x = next(number("19850302", f"{s:03d}") for s in range(1, 999, 2) if number("19850302", f"{s:03d}").endswith("X"))
    rows.append(person(3, 身份证号=lower_x.lower()))
    batch = preview(world, xlsx(rows))
    assert batch.error_rows == 0, batch.outcomes
    importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert Member.objects.get(name="刘洋1").joined == date(2010, 7, 1)
    assert Member.objects.get(name="刘洋1").get_phone() == "13800000001"
    assert Member.objects.get(name="张三").category == "retired"
    assert Member.objects.get(name="刘洋3").get_id_number() == lower_x


def test_headers_are_matched_despite_spaces_full_width_and_stars(world):
    row = person(1)
    headers = ["* 姓 名", "性别", "民族", "出生日期", "身份证号（18位）", "学历", "入党日期", "转正日期",
               "所在党组织：", "人员类别", "联系电话"]
    book = Workbook()
    sheet = book.active
    sheet.append(["朝阳里社区党员花名册"])  # a title line above the header
    sheet.append(headers)
    sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    batch = preview(world, out.getvalue())
    assert batch.error_rows == 0 and batch.outcomes[0]["row"] == 3


def test_real_excel_date_cells_and_serial_numbers_are_read(world):
    # Excel date cells read back as naive datetimes, so the test builds one; 40360 = 2010-07-01
    row = person(1, 出生日期=datetime(1985, 3, 2), 入党日期=40360, 转正日期=date(2011, 7, 1))  # noqa: DTZ001
    batch = preview(world, xlsx([row]))
    assert batch.error_rows == 0, batch.outcomes
    importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert Member.objects.get(name="刘洋1").joined == date(2010, 7, 1)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gb18030(world, encoding):
    batch = preview(world, csv_bytes([person(1), person(2, 姓名="欧阳䶮")], encoding), name="花名册.csv")
    assert batch.error_rows == 0, batch.outcomes
    importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert Member.objects.filter(name__in=["刘洋1", "欧阳䶮"]).count() == 2


FORMATS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d:%Y%m%d}",
    lambda d: f"  {d.year} - {d.month} - {d.day} ",
    lambda d: f"{d.isoformat()} 00:00:00",
    lambda d: str((d - reading.EXCEL_EPOCH).days),
    lambda d: (d - reading.EXCEL_EPOCH).days,
    lambda d: float((d - reading.EXCEL_EPOCH).days),
    lambda d: datetime(d.year, d.month, d.day, 0, 0),  # noqa: DTZ001 (an Excel cell: naive)
]
FULL_WIDTH = str.maketrans("0123456789-/.", "０１２３４５６７８９－／．")


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)),
       spelling=st.sampled_from(range(len(FORMATS))), full_width=st.booleans())
def test_every_date_spelling_reads_back_the_same_day(day, spelling, full_width):
    value = FORMATS[spelling](day)
    if full_width and isinstance(value, str):
        value = value.translate(FULL_WIDTH)
    assert importing.parse_date(value) == day


@given(text=st.text(max_size=20))
def test_date_parsing_never_fails_other_than_with_a_chinese_message(text):
    try:
        importing.parse_date(text)
    except ValueError as exc:
        assert "日期" in str(exc)


@given(text=st.text(max_size=30))
def test_cleaning_is_idempotent_and_leaves_no_outer_or_double_spaces(text):
    once = importing.clean(text)
    assert importing.clean(once) == once
    assert once == once.strip() and "  " not in once


# --- bad files ---------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.mark.parametrize("name, content, message", [
    ("花名册.xlsx", PNG, "文件类型不支持"),
    ("花名册.xlsx", b"", "空"),
    ("花名册.xlsx", bytes(range(256)) * 4, "文件类型不支持"),
    ("花名册.xlsx", b"x" * (10 * 1024 * 1024 + 1), "文件过大"),
])
def test_malformed_uploads_are_refused_with_a_message_never_a_500(world, name, content, message):
    client = world.client("a_admin")
    response = client.post("/members/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_control_character_in_a_cell_refuses_its_row_and_the_error_report_is_still_written(world):
    batch = preview(world, csv_bytes([person(1), person(2, 姓名="刘\x1b洋", 学历="本\x07科")]), name="r.csv")
    assert (batch.error_rows, batch.valid_rows) == (1, 1)
    assert {"姓名含有不可见的控制字符（U+001B），请删除后再提交",
            "学历含有不可见的控制字符（U+0007），请删除后再提交"} <= set(errors_of(batch))
    out = io.BytesIO()
    importing.error_report_xlsx(batch, out)
    assert "刘\ufffd洋" in [row[1] for row in load_workbook(out).active.iter_rows(values_only=True)]


@pytest.mark.parametrize("name, content, message", [
    ("坏.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "无法读取 Excel 文件"),
    ("坏.csv", "随便写的一段文字\n没有表头".encode(), "未找到表头"),
    ("空.csv", "姓名,身份证号\n".encode(), "表头下没有数据行"),
])
@pytest.mark.usefixtures("transactional_db")  # the check is queued when the upload commits
def test_unreadable_rosters_fail_the_batch_with_a_message(world, name, content, message):
    client = world.client("a_admin")
    response = client.post("/members/import/", {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert ImportBatch.objects.get().status == "failed" and not ImportRow.objects.exists()


# --- pages and scope --------------------------------------------------------------------------

@pytest.mark.usefixtures("transactional_db")
def test_the_pages_walk_from_upload_to_commit(world):
    """Tests run tasks at once (settings.TASKS) — here when the request's transaction commits, as
    the server does; members/tests/test_tasks.py runs them on the database backend's worker."""
    client = world.client("a_admin")
    response = client.post("/members/import/", {"file": SimpleUploadedFile("r.xlsx", xlsx([person(1), person(2, 性别="女")]))})
    batch = ImportBatch.objects.get()
    assert response.url == f"/members/import/{batch.pk}/"
    progress = client.get(f"/members/import/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert progress["HX-Refresh"] == "true"
    page = client.get(f"/members/import/{batch.pk}/?show=error").content.decode()
    assert "刘洋2" in page and "刘洋1" not in page and 'disabled aria-disabled="true"' in page
    client.post(f"/members/import/{batch.pk}/commit/")
    assert ImportBatch.objects.get().status == "previewed" and not Member.objects.filter(name="刘洋1").exists()

    response = client.post("/members/import/", {"file": SimpleUploadedFile("r.xlsx", xlsx([person(1)]))})
    batch = ImportBatch.objects.latest("pk")
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "disabled" not in page.split('id="commit"')[1][:40]
    response = client.post(f"/members/import/{batch.pk}/commit/", follow=True)
    assert "导入完成：新建 1 名，更新 0 名党员" in response.content.decode()
    assert Member.objects.filter(name="刘洋1").exists()
    response = client.post(f"/members/import/{batch.pk}/commit/", follow=True)  # pressed twice
    assert "只有预览无错误的导入才能确认" in response.content.decode()
    assert Member.objects.filter(name="刘洋1").count() == 1


# The import URLs whose scope this module tests (the scope meta-test in orgs/tests counts them).
SCOPE_TESTED = {"members:import", "members:import_detail", "members:import_progress",
                "members:import_commit", "members:import_discard", "members:import_report",
                "members:import_template"}


def test_a_batch_is_404_for_everyone_but_its_uploader(world):
    batch = preview(world, xlsx([person(1), person(2, 性别="女")]))
    own = world.client("a_admin")
    assert own.get(f"/members/import/{batch.pk}/errors.csv").status_code == 200
    for user in ("b_admin", "city_admin", "secretary", "auditor"):
        client = world.client(user)
        for method, url in [("get", ""), ("get", "errors.csv"), ("get", "errors.xlsx"), ("get", "progress/"),
                            ("post", "commit/"), ("post", "discard/")]:
            response = getattr(client, method)(f"/members/import/{batch.pk}/{url}")
            assert response.status_code == 404, (user, url)
    assert ImportBatch.objects.get().status == "previewed"


def test_the_import_page_and_template_are_404_without_member_change(world):
    for user in ("auditor", "member", "outsider"):
        assert world.client(user).get("/members/import/").status_code == 404
        assert world.client(user).get("/members/import/template.xlsx").status_code == 404


def test_the_error_report_lists_row_numbers_names_and_reasons_with_a_bom(world):
    rows = [person(1), person(2, 性别="女"), person(3, 姓名="=HYPERLINK(1)", 学历="幼儿园")]
    batch = preview(world, csv_bytes(rows), name="r.csv")
    response = world.client("a_admin").get(f"/members/import/{batch.pk}/errors.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff行号,姓名,身份证号,问题")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[1][:3] == ["3", "刘洋2", idcard.mask(person(2)["身份证号"])] and "性别" in lines[1][3]
    assert lines[2][:2] == ["4", "'=HYPERLINK(1)"]
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="member.import.report").count() == 1


def test_the_xlsx_error_report_has_the_same_rows(world):
    batch = preview(world, xlsx([person(1), person(2, 性别="女"), person(3, 学历="幼儿园")]))
    response = world.client("a_admin").get(f"/members/import/{batch.pk}/errors.xlsx")
    assert response["Content-Disposition"].endswith('errors.xlsx"')
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
            .iter_rows(values_only=True)]
    assert rows[0] == ["行号", "姓名", "身份证号", "问题"]
    assert [r[0] for r in rows[1:]] == [3, 4] and "学历“幼儿园”不在可选范围内" in rows[2][3]
    assert world.client("a_admin").get(f"/members/import/{batch.pk}/errors.pdf").status_code == 404


def test_the_template_reads_back_as_a_roster_and_explains_every_column(world):
    response = world.client("secretary").get("/members/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book["花名册"][1]]
    _, columns = importing.find_header(iter([(1, header)]))
    assert set(columns.values()) == {key for key, _, _ in importing.LAYOUT}
    notes = {row[0]: row for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert notes["身份证号"][1] == "必填" and "文本" in notes["身份证号"][2]
    assert "大学本科" in notes["学历"][2]


# --- export -----------------------------------------------------------------------------------

def test_the_xlsx_export_is_masked_filtered_scoped_and_audited(world):
    importing.batch_commit(actor=world.users["a_admin"], batch=preview(world, xlsx([person(i) for i in range(1, 4)])))
    response = world.client("a_admin").get("/members/?export=xlsx&status=full")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == importing.EXPORT_HEADERS
    names = {r[0] for r in rows[1:]}
    assert {"刘洋1", "刘洋2", "刘洋3", "张秀英"} <= names and "赵志强" not in names  # district B is not A's
    flat = " ".join(str(c) for r in rows for c in r if c is not None)
    assert not CLEAR_ID.search(flat) and not CLEAR_PHONE.search(flat)
    assert "138****0001" in flat
    entry = AuditEntry.objects.filter(action="export").first()
    assert entry.changes["format"] == "xlsx" and entry.changes["rows"] == len(rows) - 1


def test_the_unmasked_export_gives_full_numbers_reads_back_in_and_is_audited(world):
    importing.batch_commit(actor=world.users["a_admin"], batch=preview(world, xlsx([person(1)])))
    client = world.client("a_admin")
    assert 'id="export-unmasked"' in client.get("/members/").content.decode()
    response = client.get("/members/?export=xlsx&unmask=1&q=刘洋1")
    assert response["Content-Disposition"].endswith('-full.xlsx"')
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
            .iter_rows(values_only=True)]
    assert rows[1][4] == person(1)["身份证号"] and rows[1][11] == "13800000001"
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.changes["unmasked"] is True and entry.changes["rows"] == 1
    # The file goes back in: the same member, updated rather than duplicated.
    batch = preview(world, response.content)
    assert batch.error_rows == 0 and [o["action"] for o in batch.outcomes] == ["update"]


def test_the_unmasked_export_is_refused_to_a_role_without_unmask_and_audited(world):
    from accounts.models import Grant
    from core.access import Role

    Grant.objects.filter(user=world.users["secretary"]).update(role=Role.COMMISSIONER)
    client = world.client("secretary")
    assert 'id="export-unmasked"' not in client.get("/members/").content.decode()
    response = client.get("/members/?export=xlsx&unmask=1", follow=True)
    assert "您无权查看完整号码" in response.content.decode()
    assert response.redirect_chain and response.redirect_chain[0][1] == 302
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.result == "denied" and entry.changes["refused"] == 2
    masked = client.get("/members/?export=xlsx")  # the masked list stays available
    cells = " ".join(str(c) for r in load_workbook(io.BytesIO(masked.content), read_only=True).worksheets[0]
                     .iter_rows(values_only=True) for c in r)
    assert masked.status_code == 200 and "张秀英" in cells and not CLEAR_ID.search(cells)


def test_an_exported_roster_reads_back_in_the_import_layout(world):
    response = world.client("a_admin").get("/members/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    _, columns = importing.find_header(iter([(1, list(header))]))
    assert set(columns.values()) == {key for key, _, _ in importing.LAYOUT}


# --- the command line -------------------------------------------------------------------------

def run_cli(path, *args):
    out = io.StringIO()
    call_command("members", "import", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_cli_imports_a_clean_file_and_prints_each_row(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([person(1), person(2)]))
    text = run_cli(path, "--as", "a_admin")
    assert "第2行 刘洋1 新建" in text and "导入完成：新建 2 名，更新 0 名党员" in text
    assert "第2行 刘洋1 更新" in run_cli(path, "--as", "a_admin")


def test_the_cli_exits_non_zero_and_writes_nothing_when_a_row_is_rejected(world, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([person(1), person(2, 性别="女")]))
    before = counts()
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("members", "import", str(path), "--as", "a_admin", stdout=out)
    assert info.value.returncode == 2 and "1 行有错误，未导入任何数据" in str(info.value)
    assert "第3行 刘洋2 错误：性别“女”与身份证号不一致" in out.getvalue()
    assert counts() == before


def test_the_cli_dry_run_and_default_org_write_nothing(world, tmp_path):
    row = person(1)
    del row["所在党组织"]
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([row]))
    before = counts()
    assert "试运行：1 行均可导入" in run_cli(path, "--as", "secretary", "--org", "HP01B01", "--dry-run")
    assert counts() == before
    with pytest.raises(CommandError, match="不在 secretary 的管理范围内"):
        run_cli(path, "--as", "secretary", "--org", "HP01B02")
    with pytest.raises(CommandError, match="缺少必填项|1 行有错误"):
        run_cli(path, "--as", "secretary")


def test_the_uploaded_file_is_deleted_once_checked_and_the_commit_needs_it_not(world):
    from core import files

    batch = preview(world, xlsx([person(1), person(2)]))
    assert batch.status == "previewed" and not files.path_of(batch.stored_name).exists()
    batch = importing.batch_commit(actor=world.users["a_admin"], batch=batch)
    assert batch.status == "committed" and Member.objects.filter(name="刘洋2").exists()
    refused = preview(world, "随便写的一段文字\n没有表头".encode(), name="bad.csv")
    assert refused.status == "failed" and not files.path_of(refused.stored_name).exists()
