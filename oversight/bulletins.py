"""The quarterly bulletin (季度通报, issue 18 item 4): an org's figures for a quarter, per child org
and ranked, from the sections the modules offer (``core.registry.bulletin_sections``: 三会一课
compliance, recruitment steps overdue, study hours, rectification, check-ins and services, ordered
services), as a snapshot the services store in ``Bulletin.sections`` and the draft's editor turns
into text; written out as .docx and PDF like the annual report (core.docx, core.pdf).

Each module counts its own section from its summary rows (or, for states as of a day, one grouped
query on an indexed table): the bulletin adds no count of its own, so its figures are the modules'
figures for the same scope and period (oversight/tests/test_bulletins.py)."""

import io
from datetime import date

from core.registry import BulletinPart, bulletin_sections
from core.text import printable
from orgs.models import Org
from orgs.selectors import children as orgs_children
from oversight.models import QUARTERS

QUARTER_NAMES = dict(QUARTERS)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The quarter's first and last day."""
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_quarter(today: date) -> tuple[int, int]:
    """The quarter before the one ``today`` is in (the one a bulletin is usually about)."""
    year, quarter = quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def ranked(part: BulletinPart, children: list[Org]) -> list[dict]:
    """The children's rows, best first on ``part.rank_by`` with equal figures sharing a rank
    (1, 2, 2, 4); a child with no figure to rank on (None) comes last, unranked."""
    rows = [{"org": child.pk, "code": child.code, "name": child.name, "figures": part.rows[child.pk], "rank": None}
            for child in children]
    if part.rank_by is None:
        return rows
    key = part.rank_by
    sign = -1 if part.higher_better else 1
    placed = sorted((row for row in rows if row["figures"].get(key) is not None),
                    key=lambda row: sign * row["figures"][key])
    previous, rank = None, 0
    for position, row in enumerate(placed, start=1):
        if row["figures"][key] != previous:
            rank, previous = position, row["figures"][key]
        row["rank"] = rank
    return placed + [row for row in rows if row["figures"].get(key) is None]


def ranking_sentence(label: str, rows: list[dict]) -> str:
    """The first and last three by rank, when at least four are ranked."""
    placed = [row for row in rows if row["rank"] is not None]
    if len(placed) < 4:
        return ""
    top = "、".join(row["name"] for row in placed[:3])
    bottom = "、".join(row["name"] for row in placed[-3:])
    return f"按{label}排名，前三位是{top}；后三位是{bottom}。"


def sections_for(root: Org, year: int, quarter: int, as_of: date) -> list[dict]:
    """Every registered section's figures for ``root``'s subtree and the quarter, as stored."""
    start, end = quarter_bounds(year, quarter)
    children = orgs_children(root, groups=False)  # the orgs a bulletin ranks
    out = []
    for section in bulletin_sections():
        part = section.compute(root, children, start, end, as_of)
        rows = ranked(part, children)
        labels = dict(part.columns)
        text = part.text
        if part.rank_by:
            text += ranking_sentence(labels[part.rank_by], rows)
        out.append({"key": section.key, "title": section.title, "columns": [list(c) for c in part.columns],
                    "rank_by": part.rank_by, "higher_better": part.higher_better, "rows": rows,
                    "total": part.total, "text": text, "basis": part.basis})
    return out


def default_title(org: Org, year: int, quarter: int) -> str:
    return f"关于{year}年{QUARTER_NAMES[quarter]}{org.name}基层党建重点工作情况的通报"


def default_intro(org: Org, year: int, quarter: int) -> str:
    return (f"为推动基层党建各项任务落地见效，根据基层党建数字化平台记录，现将{year}年{QUARTER_NAMES[quarter]}"
            f"{org.name}基层党建重点工作情况通报如下。")


DEFAULT_CLOSING = ("各单位要对照通报的情况和排名，认真查找差距，对逾期未完成的事项逐项整改落实；排名靠后的单位要"
                   "分析原因、明确措施，在下季度通报前报告整改情况。")


# --- as a table and as files -------------------------------------------------------------------------


def shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table_rows(section: dict) -> list[list[str]]:
    """The section's table: header, a row per child (with its rank when ranked), the total."""
    ranked_section = section["rank_by"] is not None
    header = (["排名"] if ranked_section else []) + ["单位", *[label for _key, label in section["columns"]]]
    rows = [header]
    for row in section["rows"]:
        rank = [shown(row["rank"])] if ranked_section else []
        rows.append([*rank, row["name"], *[shown(row["figures"].get(key)) for key, _label in section["columns"]]])
    total = [""] if ranked_section else []
    rows.append([*total, "合计", *[shown(section["total"].get(key)) for key, _label in section["columns"]]])
    return rows


def docx_bytes(bulletin) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from core.docx import add_table, new_document

    document = new_document()
    heading = document.add_heading(printable(bulletin.title), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(printable(f"{bulletin.org.name}　数据截至{bulletin.as_of:%Y年%m月%d日}"))
    if bulletin.intro:
        document.add_paragraph(printable(bulletin.intro))
    for number, section in enumerate(bulletin.sections, start=1):
        document.add_heading(printable(f"{_ordinal(number)}、{section['title']}"), level=2)
        document.add_paragraph(printable(section["text"]))
        add_table(document, table_rows(section))
    if bulletin.closing:
        document.add_heading(f"{_ordinal(len(bulletin.sections) + 1)}、下步要求", level=2)
        document.add_paragraph(printable(bulletin.closing))
    document.add_heading("统计口径", level=2)
    add_table(document, [["项目", "统计口径"], *[[s["title"], s["basis"]] for s in bulletin.sections]])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(bulletin) -> bytes:
    from core.pdf import Document

    document = Document(printable(bulletin.title), footer=printable(bulletin.title))
    document.text(printable(f"{bulletin.org.name}　数据截至{bulletin.as_of:%Y年%m月%d日}"), size=9, center=True, after=8)
    if bulletin.intro:
        document.paragraph(printable(bulletin.intro))
    for number, section in enumerate(bulletin.sections, start=1):
        document.heading(printable(f"{_ordinal(number)}、{section['title']}"))
        document.paragraph(printable(section["text"]))
        document.table(table_rows(section))
    if bulletin.closing:
        document.heading(f"{_ordinal(len(bulletin.sections) + 1)}、下步要求")
        document.paragraph(printable(bulletin.closing))
    document.heading("统计口径")
    document.table([["项目", "统计口径"], *[[s["title"], s["basis"]] for s in bulletin.sections]])
    return document.bytes()


def _ordinal(number: int) -> str:
    return "一二三四五六七八九十"[number - 1] if 1 <= number <= 10 else str(number)


def portal_text(bulletin) -> str:
    """The bulletin as the portal's 党务公开 shows it: the text, the figures per child as lines."""
    lines = [bulletin.intro] if bulletin.intro else []
    for number, section in enumerate(bulletin.sections, start=1):
        lines.append(f"{_ordinal(number)}、{section['title']}")
        lines.append(section["text"])
    if bulletin.closing:
        lines.append(f"{_ordinal(len(bulletin.sections) + 1)}、下步要求")
        lines.append(bulletin.closing)
    return "\n".join(lines)
