"""Reading a roster file in a child process, under a memory and a CPU-time limit.

A reader that misbehaves on a crafted file (the xlsx reader allocates the sheet's whole
rectangle, so one cell at XFD1048576 asks for 512 GB and aborts the process) takes down this
child, not the task worker: the parent (``reading.read_rows``) sees the child end without its
rows and fails that batch alone.

Run by the parent as ``python -I reader_child.py KIND PATH MEMORY_MB CPU_SECONDS``. It imports
only the standard library and python-calamine (no Django, no database connection), and writes
JSON lines to stdout: ``{"estimate": N}``, then the rows, a JSON array of up to ``BATCH`` rows a
line (dates as ``{"date": "…"}`` or ``{"datetime": "…"}``), or ``{"refused": "…"}`` when the file
is refused.
"""

import csv
import io
import json
import re
import resource
import sys
import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: refuse zip bombs before opening
# The sheet's extent: a roster has 22 columns and at most 200,000 rows (reading.MAX_ROWS) plus a
# title and some blank lines. The reader holds the rectangle in memory, 32 bytes a cell: these
# limits keep an empty one under 350 MB, inside the child's memory limit.
MAX_SHEET_COLUMNS = 50
MAX_SHEET_ROWS = 210_000
BATCH = 500  # rows a line: one JSON document per row would double the reading time
LIMITS = f"最多 {MAX_SHEET_COLUMNS} 列、{MAX_SHEET_ROWS} 行"

UNREADABLE = "无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式（.xls 请先另存为 .xlsx）"


class Refused(Exception):
    """The file as a whole cannot be read; the message is for the uploader."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet, found as the xlsx reader finds it: the first
    ``sheet`` of xl/workbook.xml, its relationship's target, under xl/."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = next(e for e in workbook.iter() if _local(e.tag) == "sheet")
    rel_id = next(value for key, value in sheet.attrib.items() if _local(key) == "id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(e.get("Target", "") for e in rels.iter() if e.get("Id") == rel_id)
    return target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"


def check_extent(archive: zipfile.ZipFile) -> None:
    """Refuse a first sheet whose declared range (``<dimension ref="A1:V500"/>``, written by Excel,
    WPS and openpyxl) passes the limits, reading the sheet's XML only up to its data. A file that
    declares less than it holds is stopped by the memory limit instead."""
    try:
        name = _first_sheet(archive)
        with archive.open(name) as stream:
            for _, element in ElementTree.iterparse(stream, events=("start",)):
                tag = _local(element.tag)
                if tag == "dimension":
                    last = element.get("ref", "").rpartition(":")[2]
                    break
                if tag == "sheetData":
                    return
            else:
                return
    except (KeyError, StopIteration, ElementTree.ParseError, zipfile.BadZipFile, OSError) as exc:
        raise Refused(UNREADABLE) from exc
    found = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", last)
    if found and (_column_number(found[1]) > MAX_SHEET_COLUMNS or int(found[2]) > MAX_SHEET_ROWS):
        raise Refused(f"Excel 工作表范围过大：花名册{LIMITS}，而这个工作表的范围到 {last.upper()} 为止。"
                      "请删除表格右侧和下方多余的行列（或把花名册复制到新的工作表）后再导入")


def xlsx_rows(path: str):
    """The first sheet's rows through calamine (Rust): about 1 s per 100,000 rows, where
    openpyxl's pure-Python reader took 30 s. It holds the sheet's cells in memory (about 120 MB
    for 100,000 rows of 13 columns)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise Refused("Excel 文件解压后过大，请拆分后再导入")
            check_extent(archive)
        workbook = CalamineWorkbook.from_path(path)
        sheet = workbook.get_sheet_by_index(0)
        return sheet.iter_rows(), sheet.height
    except Refused:
        raise
    except Exception as exc:  # a damaged or foreign zip, a password, a missing sheet
        raise Refused(UNREADABLE) from exc


def csv_rows(path: str):
    """UTF-8 (with or without BOM) or GB18030 text."""
    with open(path, "rb") as stream:
        raw = stream.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Refused("无法识别 CSV 文件的编码：请保存为 UTF-8 或 GB18030（Excel 的“CSV”格式）")
    if "\x00" in text:
        raise Refused("CSV 文件含有二进制内容，不是花名册")
    return csv.reader(io.StringIO(text, newline="")), text.count("\n") + 1


def _encode(value):
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return str(value)  # a time or a duration: the checks read it as text


def main(kind: str, path: str, memory_mb: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    out = sys.stdout

    def send(message) -> None:
        out.write(json.dumps(message, default=_encode) + "\n")

    try:
        rows, estimate = xlsx_rows(path) if kind == "xlsx" else csv_rows(path)
        send({"estimate": estimate})
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                send(batch)
                batch = []
        if batch:
            send(batch)
    except Refused as exc:
        send({"refused": str(exc)})
    except csv.Error as exc:
        send({"refused": f"CSV 文件格式错误：{exc}"})
    except MemoryError:
        raise
    except Exception:
        send({"refused": "无法读取 Excel 文件：文件内容已损坏"})
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
