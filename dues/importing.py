"""Reading a file of bases (.xlsx or .csv) with the roster import's reader (members.importing.
reading: a child process with memory and time limits, cell normalising): the header row among the
first lines, then each row's 姓名, 身份证号, 人员类别, 缴费基数 as text."""

import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError

from members.importing.reading import (
    MAX_FILE_BYTES,
    ImportRefused,
    clean,
    clean_name,
    header_key,
    read_rows,
)

HEADERS = {"姓名": "name", "身份证号": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number",
           "人员类别": "category", "类别": "category", "缴费基数": "base", "月缴费基数": "base",
           "税后月工资收入": "base", "基数": "base"}
MAX_ROWS = 2000  # one branch's members, generously
SEARCH_ROWS = 10


STATEMENT_HEADERS = {"户名": "name", "对方户名": "name", "付款人": "name", "姓名": "name",
                     "金额": "amount", "交易金额": "amount", "收入金额": "amount", "贷方金额": "amount",
                     "交易日期": "date", "日期": "date", "记账日期": "date",
                     "流水号": "reference", "交易流水号": "reference", "凭证号": "reference",
                     "附言": "note", "摘要": "note", "用途": "note", "备注": "note"}


def read_bases(upload) -> list[tuple[int, dict]]:
    """The rows of a file of bases as (row number, {field: text}); a clear refusal otherwise."""
    return read_sheet(upload, HEADERS, {"name", "id_number", "category"},
                      "未找到表头：表头行应包含“姓名”“身份证号”“人员类别”“缴费基数”")


def read_statement(upload) -> list[tuple[int, dict]]:
    """The lines of a bank statement (.csv/.xlsx): 户名, 金额, 交易日期, 流水号, 附言."""
    return read_sheet(upload, STATEMENT_HEADERS, {"name", "amount", "date"},
                      "未找到表头：表头行应包含“户名”“金额”“交易日期”“流水号”")


def read_sheet(upload, headers: dict[str, str], required: set[str], missing: str) -> list[tuple[int, dict]]:
    kind = Path(upload.name or "").suffix.lower().lstrip(".")
    if kind not in ("xlsx", "csv"):
        raise ValidationError("文件类型不支持：只接受 Excel（.xlsx）或 CSV")
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError("文件过大（上限 10 MB）")
    with tempfile.NamedTemporaryFile(suffix=f".{kind}") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            rows, _estimate = read_rows(copy.name, kind)
            return _cells(rows, headers, required, missing)
        except ImportRefused as exc:
            raise ValidationError(str(exc)) from None


def _cells(rows, headers: dict[str, str], required: set[str], missing: str) -> list[tuple[int, dict]]:
    columns: dict[int, str] = {}
    cells: list[tuple[int, dict]] = []
    for number, values in rows:
        if not columns:
            found = {i: headers[header_key(v)] for i, v in enumerate(values) if header_key(v) in headers}
            if required <= set(found.values()):
                columns = found
            elif number >= SEARCH_ROWS:
                break
            continue
        row = {key: (clean_name(values[i]) if key == "name" else clean(values[i]))
               for i, key in columns.items() if i < len(values)}
        if any(row.values()):
            cells.append((number, row))
        if len(cells) > MAX_ROWS:
            raise ValidationError(f"行数超过上限 {MAX_ROWS}，一次请导入一个党支部的党员")
    if not columns:
        raise ValidationError(missing)
    return cells
