"""Dues pages: a branch's page, the import (preview, then all or nothing), confirmation, a
payment, the member's own page; every page 404 out of scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import ID_NUMBERS
from dues import rules, services
from dues.models import DuesPayment, DuesYear
from dues.rules import Category
from members.tests.test_import import xlsx

# What orgs/tests/test_scope.py's meta-test accepts as covered: each page's 404 is tested here.
PAGES = {"dues:home", "dues:mine", "dues:org", "dues:report", "dues:statement", "dues:import", "dues:confirm", "dues:carry", "dues:void", "dues:pay", "dues:open", "dues:adjust"}
# dues/tests/test_api.py tests these operations' 404s.
API = {"api:dues_arrears", "api:dues_mine", "api:dues_payment_create", "api:dues_summary", "api:dues_year_confirm", "api:dues_year_carry", "api:dues_payment_void",
       "api:dues_year_list", "api:dues_year_set", "api:dues_remittance_create", "api:dues_reconciliation"}
SCOPE_TESTED = PAGES | API

TODAY = timezone.localdate()
YEAR = TODAY.year
NOW = rules.month_index(TODAY)


def upload(rows):
    return SimpleUploadedFile("bases.xlsx", xlsx(rows), content_type="application/octet-stream")


def page_urls(world):
    dues_year = services.year_set(actor=world.users["secretary"], member=world.members["a1_member"], year=YEAR,
                                  category=Category.EMPLOYED, base_fen=540_000)
    member, branch = world.members["a1_member"], world.branch_a1
    return [reverse("dues:org", args=[branch.pk]), reverse("dues:report", args=[branch.pk]),
            reverse("dues:import", args=[branch.pk]), reverse("dues:statement", args=[branch.pk]),
            reverse("dues:pay", args=[member.pk]), reverse("dues:open", args=[member.pk]),
            reverse("dues:adjust", args=[dues_year.pk])]


def test_every_page_is_not_found_out_of_scope(world):
    client = world.client("b_admin")
    for url in page_urls(world):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("dues:confirm", args=[world.branch_a1.pk])).status_code == 404
    assert client.post(reverse("dues:carry", args=[world.branch_a1.pk])).status_code == 404
    assert not DuesYear.objects.filter(confirmed_on__isnull=False).exists()


def test_the_member_and_the_outsider_reach_no_managers_page(world):
    for name in ("member", "outsider"):
        client = world.client(name)
        for url in page_urls(world)[:1]:
            assert client.get(url).status_code in (403, 404), (name, url)


def test_the_secretary_imports_previews_and_commits_the_bases(world):
    client = world.client("secretary")
    url = reverse("dues:import", args=[world.branch_a1.pk])
    rows = [{"姓名": "张秀英", "身份证号": ID_NUMBERS["a1_member"], "人员类别": "在职", "缴费基数": 11500},
            {"姓名": "李建国", "身份证号": ID_NUMBERS["a1_secretary"], "人员类别": "退休", "缴费基数": "6000.00"}]
    response = client.post(url, {"year": YEAR, "file": upload(rows), "preview": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "230.00" in body and "确认导入2行" in body and "离退休" in body and "employed" not in body
    assert not DuesYear.objects.exists()  # a preview writes nothing
    response = client.post(url, {"commit": "1"})
    assert response.status_code == 302
    assert sorted(DuesYear.objects.values_list("amount_fen", flat=True)) == [6000, 23000]


def test_a_file_with_a_bad_row_shows_the_row_and_offers_no_commit(world):
    client = world.client("secretary")
    url = reverse("dues:import", args=[world.branch_a1.pk])
    rows = [{"姓名": "张秀英", "身份证号": ID_NUMBERS["a1_member"], "人员类别": "在职", "缴费基数": -5}]
    body = client.post(url, {"year": YEAR, "file": upload(rows), "preview": "1"}).content.decode()
    assert "不能为负数" in body and "确认导入" not in body
    assert client.post(url, {"commit": "1"}).status_code == 302
    assert not DuesYear.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_chinese(world):
    client = world.client("secretary")
    url = reverse("dues:import", args=[world.branch_a1.pk])
    junk = SimpleUploadedFile("bases.xlsx", b"not a zip", content_type="application/octet-stream")
    response = client.post(url, {"year": YEAR, "file": junk, "preview": "1"})
    assert response.status_code == 200 and not DuesYear.objects.exists()


def test_the_secretary_confirms_and_records_a_payment_and_the_member_sees_paid_up_to(world):
    client = world.client("secretary")
    member = world.members["a1_member"]
    services.year_set(actor=world.users["secretary"], member=member, year=YEAR, category=Category.EMPLOYED, base_fen=540_000)
    assert client.post(reverse("dues:confirm", args=[world.branch_a1.pk]) + f"?year={YEAR}").status_code == 302
    assert DuesYear.objects.get().confirmed_on == TODAY
    previous = rules.month_date(NOW - 1)
    assert client.post(reverse("dues:open", args=[member.pk]), {"month": f"{previous:%Y-%m}"}).status_code == 302
    response = client.post(reverse("dues:pay", args=[member.pk]), {"month": f"{TODAY:%Y-%m}", "months": 1, "method": "cash"})
    assert response.status_code == 302, response.content.decode()
    assert DuesPayment.objects.get().amount_fen == 8100
    again = client.post(reverse("dues:pay", args=[member.pk]), {"month": f"{TODAY:%Y-%m}", "months": 1, "method": "cash"})
    assert "不能重复缴纳" in again.content.decode() and DuesPayment.objects.count() == 1
    page = client.get(reverse("dues:org", args=[world.branch_a1.pk])).content.decode()
    assert rules.month_label(NOW) in page
    mine = world.client("member").get(reverse("dues:mine")).content.decode()
    assert rules.month_label(NOW) in mine and "81.00" in mine and "1.5%" in mine


def test_the_outsider_has_no_dues_of_their_own(world):
    assert world.client("outsider").get(reverse("dues:mine")).status_code == 404


@pytest.mark.parametrize("name", ["secretary", "a_admin"])
def test_the_org_page_lists_the_members(world, name):
    response = world.client(name).get(reverse("dues:org", args=[world.branch_a1.pk]))
    assert response.status_code == 200 and "张秀英" in response.content.decode()


def test_home_leads_a_manager_to_their_org_a_member_to_their_own_and_others_nowhere(world):
    assert world.client("b_admin").get(reverse("dues:home"))["Location"] == reverse("dues:org", args=[world.district_b.pk])
    assert world.client("member").get(reverse("dues:home"))["Location"] == reverse("dues:mine")
    assert world.client("outsider").get(reverse("dues:home")).status_code == 404


def test_the_report_is_a_workbook_of_the_members_and_the_months(world):
    import io

    from openpyxl import load_workbook

    from core.models import AuditEntry

    member = world.members["a1_member"]
    services.year_set(actor=world.users["secretary"], member=member, year=YEAR, category=Category.EMPLOYED, base_fen=540_000)
    services.year_confirm(actor=world.users["secretary"], org=world.branch_a1, year=YEAR)
    services.standing_open(actor=world.users["secretary"], member=member, paid_up_to=NOW - 1)
    services.payment_record(actor=world.users["secretary"], member=member, first_month=NOW, months=1, method="cash")
    response = world.client("a_admin").get(reverse("dues:report", args=[world.branch_a1.pk]) + f"?year={YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["党员党费"].iter_rows(values_only=True))
    assert ("张秀英", "在职", "5400.00", "81.00") == rows[1][:4] or ("张秀英", "在职", "5400.00", "81.00") == rows[2][:4]
    months = list(book["月度收缴（含下级）"].iter_rows(values_only=True))
    assert months[-1] == ("全年合计", 1, "81.00")
    assert AuditEntry.objects.filter(action="export", object_type="dues.duesyear").exists()


def test_a_statement_is_matched_an_unmatched_line_must_be_given_a_member_then_all_are_recorded(world):
    secretary, member = world.users["secretary"], world.members["a1_member"]
    for key in ("a1_member", "a1_secretary"):
        services.year_set(actor=secretary, member=world.members[key], year=YEAR, category=Category.EMPLOYED, base_fen=540_000)
        services.standing_open(actor=secretary, member=world.members[key], paid_up_to=NOW - 1)
    services.year_confirm(actor=secretary, org=world.branch_a1, year=YEAR)
    text = f"户名,金额,交易日期,流水号,附言\n张秀英,81.00,{TODAY:%Y-%m-%d},B001,党费\n李建困,81.00,{TODAY:%Y-%m-%d},B002,党费\n"
    client = world.client("secretary")
    url = reverse("dues:statement", args=[world.branch_a1.pk])
    file = SimpleUploadedFile("statement.csv", text.encode("utf-8-sig"), content_type="text/csv")
    body = client.post(url, {"file": file, "preview": "1"}).content.decode()
    assert "未匹配：请选择" in body and "可能是：李建国" in body
    refused = client.post(url, {"commit": "1"}).content.decode()
    assert "第3行：未匹配到党员" in refused and not DuesPayment.objects.exists()
    response = client.post(url, {"commit": "1", "member_3": world.members["a1_secretary"].pk})
    assert response.status_code == 302
    assert sorted(DuesPayment.objects.values_list("reference", flat=True)) == ["B001", "B002"]
    assert DuesPayment.objects.get(reference="B001").member_id == member.pk
