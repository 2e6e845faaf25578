"""A small PDF writer for the platform's reports: a title, headings, paragraphs and ruled tables
of Chinese text on A4 pages, with no library and no font file.

The text is set in STSong-Light, one of the standard Chinese fonts (Adobe-GB1) that every PDF
reader offers without the file carrying it (PDF 1.7, 9.7.5.2: PDFium, pdf.js, Acrobat, Foxit and
WPS substitute a Song face of their own), encoded as UTF-16 (the UniGB-UTF16-H CMap), so the file
stays small and its text can be searched and copied. Widths: ASCII is half an em (the font's CIDs
1-95), everything else one em; lines are broken by those widths, at any character (Chinese has no
word spaces), a table's rows not split across pages and its header repeated on each page.

Use::

    document = Document("天津市2026年度党建工作统计报告")
    document.heading("组织建设")
    document.paragraph("……")
    document.table([["类别", "次数"], ["党课", "12"]])
    content = document.bytes()
"""

import zlib
from dataclasses import dataclass, field

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
MARGIN = 56.7  # 2 cm
BODY = 10.5  # 五号
LEADING = 1.5  # line height, in font sizes
CELL_PADDING = 4.0

# The font's descriptor as Adobe publishes it for STSong-Light (the metrics readers substitute by).
FONT_OBJECTS = (
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [{cid} 0 R] >>",
    "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
    " /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>"
    " /FontDescriptor {descriptor} 0 R /DW 1000 /W [1 95 500] >>",
    "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
    " /ItalicAngle 0 /Ascent 752 /Descent -271 /CapHeight 737 /StemV 58 >>",
)


def char_width(char: str) -> float:
    """A character's advance in ems."""
    return 0.5 if " " <= char <= "~" else 1.0


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at any character; at least one per
    line), keeping its own line breaks."""
    lines: list[str] = []
    for part in text.split("\n"):
        line, used = "", 0.0
        for char in part:
            advance = char_width(char) * size
            if line and used + advance > width:
                lines.append(line)
                line, used = "", 0.0
            line += char
            used += advance
        lines.append(line)
    return lines


def _hex(text: str) -> str:
    """A string operand in the font's encoding (UTF-16 big-endian), as hex."""
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _info_string(text: str) -> str:
    """A text string of the document information (UTF-16 with its byte-order mark)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@dataclass
class _Page:
    ops: list[str] = field(default_factory=list)


class Document:
    """A flow of blocks laid out top to bottom, page after page."""

    def __init__(self, title: str, *, footer: str = ""):
        self.title = title
        self.footer = footer
        self.pages: list[_Page] = []
        self.y = 0.0
        self._new_page()
        self.text(title, size=16, center=True, after=8)

    # --- layout ------------------------------------------------------------------------------------

    @property
    def width(self) -> float:
        return PAGE_WIDTH - 2 * MARGIN

    def _new_page(self) -> None:
        self.pages.append(_Page())
        self.y = PAGE_HEIGHT - MARGIN

    def _room(self, height: float) -> None:
        """Start a new page unless ``height`` more points fit on this one."""
        if self.y - height < MARGIN + BODY * 2:
            self._new_page()

    def _show(self, text: str, x: float, y: float, size: float) -> None:
        self.pages[-1].ops.append(f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td {_hex(text)} Tj ET")

    def _line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.pages[-1].ops.append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    # --- blocks ------------------------------------------------------------------------------------

    def text(self, text: str, *, size: float = BODY, indent: float = 0.0, center: bool = False,
             after: float = 4.0) -> None:
        step = size * LEADING
        for line in wrap(text, self.width - indent, size):
            self._room(step)
            self.y -= step
            x = MARGIN + indent
            if center:
                x = MARGIN + (self.width - text_width(line, size)) / 2
            self._show(line, x, self.y + (step - size) / 2, size)
        self.y -= after

    def heading(self, text: str, *, size: float = 13.0) -> None:
        self._room(size * LEADING * 3)  # a heading is not left alone at the foot of a page
        self.y -= size * 0.5
        self.text(text, size=size, after=2)

    def paragraph(self, text: str) -> None:
        self.text(text, indent=0, after=6)

    def table(self, rows: list[list[str]], *, size: float = 9.0, header: bool = True) -> None:
        """Ruled rows; the columns as wide as their text asks, shared out over the page's width;
        the first row (the header) repeated at the top of each page the table runs onto."""
        if not rows:
            return
        rows = [[str(cell) for cell in row] for row in rows]
        columns = max(len(row) for row in rows)
        rows = [row + [""] * (columns - len(row)) for row in rows]
        natural = [max(text_width(row[i], size) for row in rows) + 2 * CELL_PADDING for i in range(columns)]
        floor = 3 * size + 2 * CELL_PADDING
        widths = [max(w, floor) for w in natural]
        if sum(widths) > self.width:  # shrink the wide columns, never below the floor
            spare = self.width - floor * columns
            wide = [w - floor for w in widths]
            widths = [floor + spare * w / sum(wide) for w in wide] if sum(wide) else [self.width / columns] * columns
        step = size * 1.35

        def cells(row: list[str]) -> list[list[str]]:
            return [wrap(cell, widths[i] - 2 * CELL_PADDING, size) for i, cell in enumerate(row)]

        def draw(row: list[str]) -> None:
            lines = cells(row)
            height = max(len(c) for c in lines) * step + 2 * CELL_PADDING
            top = self.y
            self._line(MARGIN, top - height, MARGIN + sum(widths), top - height)
            x = MARGIN
            for i, cell_lines in enumerate(lines):
                for n, line in enumerate(cell_lines):
                    self._show(line, x + CELL_PADDING, top - CELL_PADDING - (n + 1) * step + (step - size) / 2, size)
                x += widths[i]
            for edge in [MARGIN + sum(widths[:i]) for i in range(columns + 1)]:
                self._line(edge, top, edge, top - height)
            self.y = top - height

        def start() -> None:
            self._line(MARGIN, self.y, MARGIN + sum(widths), self.y)
            if header:
                draw(rows[0])

        self.y -= 2
        first = rows[0] if header else None
        height_of = [max(len(c) for c in cells(row)) * step + 2 * CELL_PADDING for row in rows]
        self._room(height_of[0] + (height_of[1] if len(rows) > 1 else 0))
        start()
        for row, height in zip(rows[1:] if first else rows, height_of[1:] if first else height_of, strict=True):
            if self.y - height < MARGIN + BODY * 2:
                self._new_page()
                start()
            draw(row)
        self.y -= 8

    # --- the file ----------------------------------------------------------------------------------

    def bytes(self) -> bytes:
        """The PDF file: catalog, page tree, font, pages with their compressed content."""
        objects: list[bytes] = []

        def add(body: bytes | str) -> int:
            objects.append(body.encode("latin-1") if isinstance(body, str) else body)
            return len(objects)

        catalog = add("")  # filled in below, once the page tree's number is known
        pages_id = add("")
        font = add("")
        cid = add("")
        descriptor = add(FONT_OBJECTS[2])
        objects[font - 1] = FONT_OBJECTS[0].format(cid=cid).encode("latin-1")
        objects[cid - 1] = FONT_OBJECTS[1].format(descriptor=descriptor).encode("latin-1")
        kids = []
        total = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            ops = ["0.5 w", *page.ops]
            foot = f"{self.footer}  第 {number} 页 / 共 {total} 页".strip()
            ops.append(f"BT /F1 8 Tf {MARGIN + (self.width - text_width(foot, 8)) / 2:.2f} {MARGIN / 2:.2f} Td "
                       f"{_hex(foot)} Tj ET")
            stream = zlib.compress("\n".join(ops).encode("latin-1"))
            content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}]"
                            f" /Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"))
        objects[pages_id - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {total} >>"
                                 .encode("latin-1"))
        objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode("latin-1")
        info = add(f"<< /Title {_info_string(self.title)} /Producer {_info_string('基层党建数字化平台')} >>")

        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                % (len(objects) + 1, catalog, info, xref))
        return bytes(out)
