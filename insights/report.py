"""The annual report (年度党建工作统计报告, issue 14 item 5), written from the records: the year's
figures of an org's subtree in Chinese sentences like the article's ("全年…召开…次"), the tables an
organization department files (党员基本情况, 发展党员, 组织生活), and every figure's 统计口径 — the
table it is counted from and the conditions — so that a reader can check it.

Counted once per report, not per page view: the meetings from the summary ``MeetingMonth`` (one
row per org, kind and month), the members' make-up from the members' summaries (``MemberCount``,
``MemberProfile``), the orgs from their table over the subtree's path range, recruitment, letters
and visits by their indexed dates. `dangjian report annual` writes it, the page offers it for
download. Members are counted as they are when the report is made (the archive keeps no history of
the make-up); the year's events (meetings, applications, admissions, letters, visits) by their
dates in the year."""

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from care.models import CareVisit
from core.access import subtree_q
from core.text import printable
from members.models import Education, Gender, MemberCount, MemberProfile, MemberStatus
from orglife.models import MeetingKind, MeetingMonth
from orgs.models import BRANCH_KINDS, Org, OrgKind
from recruitment.models import Case
from transfers.models import Letter

ACTIVE = (MemberStatus.FULL, MemberStatus.PROBATIONARY)
AGE_BANDS = [(0, 30, "30岁及以下"), (31, 40, "31至40岁"), (41, 50, "41至50岁"), (51, 60, "51至60岁"),
             (61, 70, "61至70岁"), (71, 200, "71岁及以上")]
TENURE_BANDS = [(0, 5, "5年及以下"), (6, 10, "6至10年"), (11, 20, "11至20年"), (21, 30, "21至30年"),
                (31, 200, "31年及以上")]


@dataclass
class Figure:
    label: str
    value: int
    basis: str  # 统计口径: the table and the conditions


@dataclass
class AnnualReport:
    org: Org
    year: int
    made: datetime
    figures: dict[str, Figure] = field(default_factory=dict)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    tables: list[tuple[str, list[str], list[list]]] = field(default_factory=list)  # (title, header, rows)

    def add(self, key: str, label: str, value, basis: str) -> int:
        self.figures[key] = Figure(label, int(value or 0), basis)
        return self.figures[key].value

    @property
    def empty(self) -> bool:
        return not any(figure.value for figure in self.figures.values())


def amount(value: int) -> str:
    """A figure as the article writes it: in 万 to one decimal from 10,000 up (16.2万, 5.9万; the
    tables and the 统计口径 keep the exact number), else the number itself."""
    if value >= 10_000:
        return f"{value / 10_000:.1f}万".replace(".0万", "万")
    return str(value)


def annual(root: Org, year: int, *, today: date | None = None) -> AnnualReport:
    """The report of ``root``'s subtree for ``year``. The caller has checked the user covers
    ``root`` (insights.selectors.org_root)."""
    today = today or timezone.localdate()
    report = AnnualReport(root, year, timezone.localtime())
    within = subtree_q("path", root.path)
    scope = f"{root.name}及其下级党组织"
    _orgs(report, within, scope)
    _members(report, root, scope, as_of=date(year, 12, 31))
    _meetings(report, root, year, scope)
    _recruitment(report, root, year, scope)
    _transfers_and_care(report, root, year, scope)
    return report


def _orgs(report: AnnualReport, within: Q, scope: str) -> None:
    kinds = dict(Org.objects.filter(within).order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    basis = f"orgs_org：{scope}，按组织类别计数（统计时的组织设置）"
    total = report.add("orgs", "基层党组织", sum(kinds.values()), basis)
    committees = report.add("committees", "党委（党工委）", sum(n for kind, n in kinds.items()
                                                           if kind in (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)), basis)
    general = report.add("general_branches", "党总支", kinds.get(OrgKind.GENERAL_BRANCH, 0), basis)
    branches = report.add("branches", "党支部", sum(n for kind, n in kinds.items() if kind in BRANCH_KINDS), basis)
    groups = report.add("groups", "党小组", kinds.get(OrgKind.GROUP, 0), basis)
    report.paragraphs.append(("组织建设", (
        f"{report.org.name}共有各级党组织{amount(total)}个，其中党委（党工委）{amount(committees)}个、"
        f"党总支{amount(general)}个、党支部{amount(branches)}个，党小组{amount(groups)}个。")))


def _members(report: AnnualReport, root: Org, scope: str, *, as_of: date) -> None:
    """The make-up from the members' summaries: the statuses from ``MemberCount`` (one row per org
    and status) over the subtree, sex, education, birth and joining year from the root's own rows
    of ``MemberProfile`` (a tree summary: a few hundred rows for a city); ages and 党龄 in whole
    years at the end of the year (the statistical yearbook's date), so by birth and joining year."""
    status = Counter(dict(
        MemberCount.objects.filter(subtree_q("org__path", root.path), status__in=ACTIVE).order_by()
        .values("status").annotate(n=Sum("total")).values_list("status", "n")))
    by: dict[str, Counter] = {dimension: Counter() for dimension in ("gender", "education", "birth_year", "joined_year")}
    for dimension, value, n in MemberProfile.objects.filter(org=root, dimension__in=by).values_list(
            "dimension", "value", "total"):
        by[dimension][value] += n
    gender, education = by["gender"], by["education"]
    born = Counter({int(year): n for year, n in by["birth_year"].items()})
    joined = Counter({int(year): n for year, n in by["joined_year"].items()})
    ages, tenure = Counter(), Counter()
    for year, n in born.items():
        ages[next(label for low, high, label in AGE_BANDS if low <= max(as_of.year - year, 0) <= high)] += n
    for year, n in joined.items():
        tenure[next(label for low, high, label in TENURE_BANDS if low <= max(as_of.year - year, 0) <= high)] += n
    basis = (f"members_membercount、members_memberprofile（党员人数和构成汇总，随党员档案同一事务更新）："
             f"{scope}的正式党员和预备党员（统计时的档案），年龄、党龄按出生、入党年份计至{as_of.year}年底")
    total = report.add("members", "党员", sum(status.values()), basis)
    full = report.add("full_members", "正式党员", status[MemberStatus.FULL], basis)
    probationary = report.add("probationary_members", "预备党员", status[MemberStatus.PROBATIONARY], basis)
    women = report.add("women", "女党员", gender[Gender.FEMALE], basis)
    college = report.add("college", "大专及以上学历党员", sum(education[e] for e in (
        Education.POSTGRADUATE, Education.BACHELOR, Education.COLLEGE)), basis)
    if total:
        report.paragraphs.append(("党员队伍", (
            f"共有党员{amount(total)}名，其中正式党员{amount(full)}名、预备党员{amount(probationary)}名；"
            f"女党员{amount(women)}名，占{women * 100 / total:.1f}%；大专及以上学历{amount(college)}名，"
            f"占{college * 100 / total:.1f}%。")))
    rows_out = [["性别", label, gender[value]] for value, label in Gender.choices]
    rows_out += [["学历", label, education[value]] for value, label in Education.choices]
    if education[""]:
        rows_out.append(["学历", "未填写", education[""]])
    rows_out += [["年龄", label, ages[label]] for _low, _high, label in AGE_BANDS]
    rows_out += [["党龄", label, tenure[label]] for _low, _high, label in TENURE_BANDS]
    report.tables.append(("党员基本情况", ["项目", "分组", "人数"], [["合计", "", total], *rows_out]))


MEETING_WORDS = [(MeetingKind.BRANCH_ASSEMBLY, "召开支部党员大会"), (MeetingKind.COMMITTEE_MEETING, "支委会"),
                 (MeetingKind.GROUP_MEETING, "党小组会"), (MeetingKind.LECTURE, "讲党课"),
                 (MeetingKind.THEME_DAY, "开展主题党日"), (MeetingKind.REVIEW_MEETING, "召开组织生活会"),
                 (MeetingKind.APPRAISAL, "开展民主评议党员"), (MeetingKind.TALK, "谈心谈话")]


def _meetings(report: AnnualReport, root: Org, year: int, scope: str) -> None:
    found = {kind: (held, by_secretary) for kind, held, by_secretary in (
        MeetingMonth.objects.filter(subtree_q("org__path", root.path), month__year=year)
        .order_by().values("kind").annotate(held=Sum("held"), by_secretary=Sum("by_secretary"))
        .values_list("kind", "held", "by_secretary"))}
    basis = (f"orglife_meetingmonth（会议月度汇总，随会议记录同一事务更新）：{scope}，{year}年各月，"
             "已提交和审核通过的会议记录")
    rows, parts = [], []
    for kind, words in MEETING_WORDS:
        held = report.add(f"meetings_{kind}", MeetingKind(kind).label, found.get(kind, (0, 0))[0], basis)
        rows.append([MeetingKind(kind).label, held])
        if kind == MeetingKind.LECTURE:
            by_secretary = report.add("lectures_by_secretary", "其中党组织书记讲党课", found.get(kind, (0, 0))[1], basis)
            rows.append(["其中：党组织书记讲党课", by_secretary])
            parts.append(f"{words}{amount(held)}次（其中书记讲党课{amount(by_secretary)}次）")
        else:
            parts.append(f"{words}{amount(held)}次")
    total = report.add("meetings", "组织生活会议合计", sum(held for held, _ in found.values()), basis)
    report.paragraphs.append(("组织生活", f"{year}年，全年{'，'.join(parts)}，合计{amount(total)}次。"
                              if total else f"{year}年没有已提交的组织生活记录。"))
    report.tables.append(("组织生活（三会一课）", ["类别", "次数"], [*rows, ["合计", total]]))


def _recruitment(report: AnnualReport, root: Org, year: int, scope: str) -> None:
    cases = Case.objects.filter(subtree_q("org__path", root.path))
    basis = f"recruitment_case（发展党员全程纪实）：{scope}，按各环节日期在{year}年内计数"
    applied = report.add("applications", "递交入党申请书", cases.filter(applied__year=year).count(), basis)
    admitted = report.add("admitted", "接收预备党员", cases.filter(admitted__year=year).count(), basis)
    approved = report.add("approved", "上级党委审批", cases.filter(approved__year=year).count(), basis)
    converted = report.add("converted", "预备党员转正", cases.filter(converted__year=year).count(), basis)
    report.paragraphs.append(("发展党员", (
        f"全年收到入党申请书{amount(applied)}份，支部大会接收预备党员{amount(admitted)}名、"
        f"上级党委审批{amount(approved)}名，预备党员按期转正{amount(converted)}名。")))
    report.tables.append(("发展党员", ["环节", "人数"], [["递交入党申请书", applied], ["支部大会接收预备党员", admitted],
                                                  ["上级党委审批", approved], ["预备党员转正", converted]]))


def _transfers_and_care(report: AnnualReport, root: Org, year: int, scope: str) -> None:
    letters = report.add("letters", "开具组织关系介绍信", Letter.objects.filter(
        subtree_q("from_org__path", root.path), issued_on__year=year).count(),
        f"transfers_letter：{scope}开具，开具日期在{year}年内")
    visits = report.add("visits", "走访慰问党员", CareVisit.objects.filter(
        subtree_q("member__org__path", root.path), visited__year=year).count(),
        f"care_carevisit：{scope}的党员，走访日期在{year}年内（人次）")
    report.paragraphs.append(("关怀与组织关系", (
        f"全年开具组织关系介绍信{amount(letters)}封，走访慰问党员{amount(visits)}人次。")))


# --- the files ---------------------------------------------------------------------------------------


def title_of(report: AnnualReport) -> str:
    return f"{report.org.name}{report.year}年度党建工作统计报告"


def docx_bytes(report: AnnualReport) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from core.docx import add_table, new_document

    document = new_document()
    heading = document.add_heading(printable(title_of(report)), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"由基层党建数字化平台根据系统记录生成，生成时间 {report.made:%Y-%m-%d %H:%M}。")
    for title, text in report.paragraphs:
        document.add_heading(title, level=2)
        document.add_paragraph(printable(text))
    for title, header, rows in report.tables:
        document.add_heading(title, level=2)
        add_table(document, [header, *[[str(value) for value in row] for row in rows]])
    document.add_heading("统计口径", level=2)
    add_table(document, [["指标", "数值", "统计口径"],
                      *[[f.label, str(f.value), f.basis] for f in report.figures.values()]])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(report: AnnualReport) -> bytes:
    """The same report as the .docx, as a PDF (core.pdf: no font file, a standard Chinese font)."""
    from core.pdf import Document

    document = Document(printable(title_of(report)), footer=printable(title_of(report)))
    document.text(f"由基层党建数字化平台根据系统记录生成，生成时间 {report.made:%Y-%m-%d %H:%M}。", size=9, center=True,
                  after=8)
    for title, text in report.paragraphs:
        document.heading(title)
        document.paragraph(printable(text))
    for title, header, rows in report.tables:
        document.heading(title)
        document.table([header, *[[str(value) for value in row] for row in rows]])
    document.heading("统计口径")
    document.table([["指标", "数值", "统计口径"], *[[f.label, str(f.value), f.basis] for f in report.figures.values()]])
    return document.bytes()


def xlsx_bytes(report: AnnualReport) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in report.tables:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([title_of(report)])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    sheet = workbook.create_sheet("统计口径")
    sheet.append(["指标", "数值", "统计口径"])
    for figure in report.figures.values():
        sheet.append([figure.label, figure.value, figure.basis])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
