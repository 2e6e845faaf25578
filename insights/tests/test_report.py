"""The annual report (insights/report.py): every figure equals a direct count of the records for
the same subtree and year; the sentences state them; the downloads are real .docx and .xlsx files,
audited, and out of scope is 404; a year with nothing is an honest empty state; a bad year is a
clear 400 (page) or 422 (API), never a 500."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from care.models import CareVisit
from core.access import subtree_q
from core.models import AuditEntry
from dangjian.testing import api_client
from insights import report
from members.models import Member, MemberStatus
from orglife.models import MeetingKind, MeetingMonth
from orglife.tests.helpers import counted
from orgs.models import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def meetings(world, year):
    day = date(year, 1, 10)
    counted(world.branch_a1, MeetingKind.LECTURE, day, by_secretary=True)
    counted(world.branch_a1, MeetingKind.LECTURE, day + timedelta(days=1))
    counted(world.branch_a2, MeetingKind.THEME_DAY, day)
    counted(world.branch_b1, MeetingKind.THEME_DAY, day)  # another district
    counted(world.branch_a1, MeetingKind.THEME_DAY, date(year - 1, 6, 1))  # another year


@pytest.mark.parametrize("root", ["city", "district_a", "branch_a1", "district_b"])
def test_every_figure_equals_a_direct_count_of_the_records(world, meetings, year, root):
    org = getattr(world, root)
    made = report.annual(org, year)
    members = Member.objects.filter(subtree_q("org__path", org.path),
                                    status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY])
    assert made.figures["members"].value == members.count()
    assert made.figures["probationary_members"].value == members.filter(status=MemberStatus.PROBATIONARY).count()
    assert made.figures["orgs"].value == Org.objects.filter(subtree_q("path", org.path)).count()
    months = MeetingMonth.objects.filter(subtree_q("org__path", org.path), month__year=year)
    for kind in MeetingKind:
        assert made.figures[f"meetings_{kind}"].value == (
            months.filter(kind=kind).aggregate(n=Sum("held"))["n"] or 0), kind
    assert made.figures["lectures_by_secretary"].value == (
        months.filter(kind=MeetingKind.LECTURE).aggregate(n=Sum("by_secretary"))["n"] or 0)
    assert made.figures["visits"].value == CareVisit.objects.filter(
        subtree_q("member__org__path", org.path), visited__year=year).count()
    # The make-up table: each age band counted member by member, age in whole years at the year's end.
    table = {(row[0], row[1]): row[2] for row in dict((t[0], t[2]) for t in made.tables)["党员基本情况"]}
    for low, high, label in report.AGE_BANDS:
        assert table[("年龄", label)] == sum(1 for m in members if low <= year - m.birth_date.year <= high), label
    assert sum(table[("党龄", label)] for _l, _h, label in report.TENURE_BANDS) == members.count()


def test_the_sentences_state_the_figures_for_the_year_only(world, meetings, year):
    made = report.annual(world.district_a, year)
    text = dict(made.paragraphs)["组织生活"]
    assert "讲党课2次（其中书记讲党课1次）" in text
    assert "开展主题党日1次" in text  # branch A2's; B1's is another district, A1's another year


def test_large_figures_are_written_in_wan_as_the_article_does():
    assert report.amount(162_000) == "16.2万"
    assert report.amount(59_000) == "5.9万"  # the secretaries' lectures, as the article writes them
    assert report.amount(890_000) == "89万"
    assert report.amount(10_000) == "1万"
    assert report.amount(9_999) == "9999"


def test_a_year_with_no_records_is_an_honest_empty_state(world):
    page = world.client("a_admin").get(reverse("insights:report"), {"year": 2001})
    assert page.status_code == 200
    assert "2001年没有已提交的组织生活记录" in page.content.decode()


@pytest.mark.parametrize("fmt, magic, name", [("docx", "word/document.xml", "annual-HP-"),
                                              ("xlsx", "xl/workbook.xml", "annual-HP-")])
def test_the_downloads_are_real_files_and_audited(world, meetings, year, fmt, magic, name):
    before = AuditEntry.objects.filter(action="export").count()
    response = world.client("a_admin").get(reverse("insights:report"), {"org": world.district_a.pk, "year": year,
                                                                        "format": fmt})
    assert response.status_code == 200
    assert name in response["Content-Disposition"]
    assert magic in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert AuditEntry.objects.filter(action="export").count() == before + 1


def test_the_pdf_download_states_the_same_sentences_and_figures(world, meetings, year):
    from pypdf import PdfReader

    before = AuditEntry.objects.filter(action="export").count()
    response = world.client("a_admin").get(reverse("insights:report"), {"org": world.district_a.pk, "year": year,
                                                                        "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'annual-HP-{year}.pdf' in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    made = report.annual(world.district_a, year)
    for _title, sentence in made.paragraphs:
        assert sentence in text
    assert "统计口径" in text and made.figures["meetings_lecture"].basis in text
    assert pdf.metadata.title == report.title_of(made)
    assert AuditEntry.objects.filter(action="export").count() == before + 1


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_a_download_out_of_scope_is_404_and_writes_nothing(world, fmt):
    before = AuditEntry.objects.count()
    response = world.client("a_admin").get(reverse("insights:report"), {"org": world.district_b.pk, "format": fmt})
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("value", ["abc", "1999", "2999", "-1"])
def test_a_bad_year_is_a_clear_400_on_the_page(world, value):
    response = world.client("a_admin").get(reverse("insights:report"), {"year": value})
    assert response.status_code == 400
    assert "年度参数有误" in response.content.decode()


def test_a_bad_format_is_a_clear_400(world):
    response = world.client("a_admin").get(reverse("insights:report"), {"format": "odt"})
    assert response.status_code == 400 and "格式参数有误" in response.content.decode()


def test_the_api_gives_the_figures_with_their_basis_and_refuses_a_future_year(world, meetings, year):
    client = api_client("a_admin")
    body = client.get(f"/api/v1/insights/report?year={year}").json()
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["meetings_lecture"]["value"] == 2
    assert "orglife_meetingmonth" in figures["meetings_lecture"]["basis"]
    response = client.get(f"/api/v1/insights/report?year={year + 1}")
    assert response.status_code == 422 and "不能晚于今年" in response.json()["detail"]


def test_the_command_writes_the_three_files(world, meetings, year, tmp_path):
    call_command("report", "annual", "--org", "HP", "--year", str(year), "--out", str(tmp_path))
    assert (tmp_path / f"annual-HP-{year}.docx").stat().st_size > 0
    assert (tmp_path / f"annual-HP-{year}.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / f"annual-HP-{year}.xlsx").stat().st_size > 0


@pytest.mark.parametrize("argv, message", [(["--org", "NOPE"], "没有代码为"), (["--org", "HP", "--year", "1990"], "年度须在"),
                                           (["--org", "HP", "--out", "/nonexistent-dir"], "输出目录不存在")])
def test_the_command_refuses_bad_input_in_chinese(world, argv, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", "annual", *argv)
