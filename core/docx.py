"""Word documents (python-docx) as the platform writes them: the body in 宋体 五号, ruled tables
with a bold header row, every text through ``core.text.printable`` (a control character in an old
row would make the XML unwritable). Used by recruitment's record sheet and the annual report."""

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from core.text import printable


def new_document():
    """An empty document whose Normal style is 宋体 (SimSun) 10.5 pt, for Chinese and Latin text."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return document


def add_table(document, rows: list[list], *, bold_header: bool = True):
    """A ruled table of ``rows`` (the first one bold unless ``bold_header`` is False)."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = printable(str(value))
            if bold_header and r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    return table
