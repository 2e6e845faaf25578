"""core.pdf: a PDF of Chinese text that readers open without a font file — checked by reading it
back with pypdf (the text, the pages, the font it names) — and its layout rules."""

import io

import pytest
from pypdf import PdfReader

from core import pdf


def _read(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content), strict=True)


def test_the_text_reads_back_from_a_valid_file_with_its_title():
    document = pdf.Document("天津市2026年度党建工作统计报告")
    document.heading("组织生活")
    document.paragraph("2026年，全年召开支部党员大会12次（其中书记讲党课3次），合计15次。")
    reader = _read(document.bytes())
    text = reader.pages[0].extract_text()
    assert "天津市2026年度党建工作统计报告" in text
    assert "全年召开支部党员大会12次（其中书记讲党课3次），合计15次。" in text.replace("\n", "")
    assert reader.metadata.title == "天津市2026年度党建工作统计报告"
    assert "第 1 页 / 共 1 页" in text


def test_the_font_is_the_standard_chinese_song_not_embedded():
    reader = _read(pdf.Document("标题").bytes())
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    assert font["/BaseFont"] == "/STSong-Light" and font["/Encoding"] == "/UniGB-UTF16-H"
    descendant = font["/DescendantFonts"][0].get_object()
    assert descendant["/CIDSystemInfo"]["/Ordering"] == "GB1"
    assert "/FontFile" not in descendant["/FontDescriptor"] and "/FontFile2" not in descendant["/FontDescriptor"]


def test_lines_break_by_width_half_an_em_for_ascii():
    assert pdf.text_width("ab", 10) == 10 and pdf.text_width("党建", 10) == 20
    lines = pdf.wrap("党" * 25, 100, 10)
    assert [len(line) for line in lines] == [10, 10, 5]
    assert pdf.wrap("a" * 25, 100, 10) == ["a" * 20, "a" * 5]
    assert pdf.wrap("一行\n二行", 100, 10) == ["一行", "二行"]


def test_a_long_table_runs_onto_new_pages_with_its_header_repeated():
    document = pdf.Document("长表")
    document.table([["序号", "党组织"], *[[str(n), f"第{n}党支部"] for n in range(1, 121)]])
    reader = _read(document.bytes())
    assert len(reader.pages) >= 3
    texts = [page.extract_text() for page in reader.pages]
    assert all("党组织" in text for text in texts)  # the header on each page
    joined = "".join(texts)
    assert all(f"第{n}党支部" in joined for n in (1, 60, 120))
    assert f"共 {len(reader.pages)} 页" in texts[-1]


@pytest.mark.parametrize("text", ["", "a", "𠀀（扩展B区字符）", "<>()\\\\%"])
def test_any_text_makes_a_readable_file(text):
    document = pdf.Document(text or "空")
    document.paragraph(text)
    document.table([[text, text]])
    assert _read(document.bytes()).pages[0].extract_text() is not None
