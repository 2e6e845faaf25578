"""Reading roster files: the common roster layout, cell normalising (full-width characters,
stray spaces, date spellings, Excel serial numbers), and the rows of an ``.xlsx`` or ``.csv``
file (UTF-8 with or without BOM, or GB18030), read by a child process (``reader_child``)."""

import json
import logging
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from members.importing import reader_child
from members.models import Education, MemberCategory, MemberStatus

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
CHUNK = 1000  # rows checked (and written) per database round of blind-index lookups
HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header row

# The roster layout: field, header, other spellings of the header seen in real rosters. The
# export writes the headers in this order, so an exported file reads back in.
LAYOUT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("name", "姓名", ()),
    ("gender", "性别", ()),
    ("ethnicity", "民族", ()),
    ("birth_date", "出生日期", ("出生年月日",)),
    ("id_number", "身份证号", ("公民身份号码", "身份证号码", "身份证")),
    ("education", "学历", ()),
    ("joined", "入党日期", ("入党时间",)),
    ("converted", "转正日期", ("转正时间",)),
    ("org", "所在党组织", ("党组织", "所在党支部", "党支部", "组织代码")),
    ("group", "所在党小组", ("党小组",)),
    ("category", "人员类别", ()),
    ("phone", "联系电话", ("手机号", "手机号码", "电话")),
    ("status", "党员状态", ()),
    ("former_name", "曾用名", ()),
    ("native_place", "籍贯", ()),
    ("degree", "学位", ()),
    ("occupation", "职业", ()),
    ("title", "专业技术职务", ("职称",)),
    ("work_unit", "工作单位", ()),
    ("work_post", "单位职务", ("职务",)),
    ("address", "家庭住址", ("住址",)),
    ("applied", "申请入党日期", ("申请入党时间",)),
)
REQUIRED = {"name": "姓名", "id_number": "身份证号", "joined": "入党日期", "org": "所在党组织"}
TEXT_FIELDS = ("ethnicity", "former_name", "native_place", "degree", "occupation", "title",
               "work_unit", "work_post", "address")
# Fields a re-import overwrites (only those whose column is in the file).
UPDATE_FIELDS = ("name", "org", "group", "joined", "converted", "applied", "status", "category",
                 "education", "phone", *TEXT_FIELDS)

COMPARED = ("name", "org_id", "group_id", "joined", "converted", "applied", "status", "category",
            "education", "phone_index", *TEXT_FIELDS)

EDUCATION_ALIASES = {
    "本科": Education.BACHELOR, "大学": Education.BACHELOR, "大专": Education.COLLEGE,
    "专科": Education.COLLEGE, "硕士": Education.POSTGRADUATE, "博士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE, "博士研究生": Education.POSTGRADUATE,
    "中等专科": Education.SECONDARY, "技校": Education.SECONDARY, "职高": Education.SECONDARY,
    "初中": Education.JUNIOR, "小学": Education.JUNIOR, "初中以下": Education.JUNIOR,
}
CATEGORY_ALIASES = {
    "流动": MemberCategory.MOBILE, "离休": MemberCategory.RETIRED, "退休": MemberCategory.RETIRED,
    "在校学生": MemberCategory.STUDENT, "农民": MemberCategory.FARMER, "牧民": MemberCategory.FARMER,
    "渔民": MemberCategory.FARMER,
}
STATUS_ALIASES = {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY}


class ImportRefused(Exception):
    """The file as a whole cannot be read (not a roster, damaged, too large)."""


# --- normalising cells ------------------------------------------------------------------------

def clean(value) -> str:
    """A cell as text: full-width letters, digits and spaces made half-width (NFKC), runs of
    spaces collapsed, ends trimmed; an integral float (how Excel hands back 13812345678) as an
    integer."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.date()
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def clean_name(value) -> str:
    """Names written 张　三 to line up in a table: spaces between Chinese characters dropped."""
    text = clean(value)
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def header_key(text) -> str:
    """A header cell compared without spaces, width, required-field stars or a note in brackets."""
    text = "".join(clean(text).split())
    text = re.sub(r"\(.*?\)", "", text)
    return text.strip("*:")


HEADERS = {header_key(h): key for key, header, aliases in LAYOUT for h in (header, *aliases)}

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (after Excel's 1900 leap-day bug: 61 = 1900-03-01)
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


def parse_date(value) -> date:
    """A date from a cell: a real Excel date, an Excel serial number, or text such as
    1985-03-02, 1985/3/2, 1985.03.02, 1985年3月2日, 19850302 (full-width digits too)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) or re.fullmatch(r"\d{1,5}(\.0+)?", text):
        serial = float(text)
        if not 61 <= serial < 2958466:
            raise ValueError(f"日期“{text}”不合理")
        return EXCEL_EPOCH + timedelta(days=int(serial))
    if re.fullmatch(r"\d{8}", text):
        match = (text[:4], text[4:6], text[6:])
    else:
        found = _DATE.match(text)
        if not found:
            raise ValueError(f"日期“{text}”无法识别，请写作 1985-03-02")
        match = found.groups()
    try:
        day = date(int(match[0]), int(match[1]), int(match[2]))
    except ValueError:
        raise ValueError(f"日期“{text}”不是有效日期") from None
    if not 1900 <= day.year <= 2100:
        raise ValueError(f"日期“{text}”不合理")
    return day


class Choice:
    """A choice cell: the label (学历 “大学本科”), the stored value, or a common other spelling."""

    def __init__(self, choices, aliases: dict, label: str):
        self.lookup = {**{value: value for value, _ in choices.choices},
                       **{text: value for value, text in choices.choices}, **aliases}
        self.label = label
        self.options = "、".join(text for _, text in choices.choices)

    def __call__(self, text: str) -> str:
        try:
            return self.lookup[text]
        except KeyError:
            raise ValueError(f"{self.label}“{text}”不在可选范围内（{self.options}）") from None


CHOICES = {
    "education": Choice(Education, EDUCATION_ALIASES, "学历"),
    "category": Choice(MemberCategory, CATEGORY_ALIASES, "人员类别"),
    "status": Choice(MemberStatus, STATUS_ALIASES, "党员状态"),
}


# --- reading files ----------------------------------------------------------------------------

# The file is read in a child process (reader_child.py) under these limits, so a file that makes
# the reader misbehave fails its own batch and leaves the task worker running.
READER = Path(__file__).with_name("reader_child.py")
READER_MEMORY_MB = 1024  # a full 200,000-row roster takes about 600 MB
READER_CPU_SECONDS = 120  # about 5 s for 200,000 rows


def read_rows(path, kind: str) -> tuple[Iterator[tuple[int, list]], int]:
    """The sheet's rows as (row number, cells), and an estimate of their count for progress."""
    if kind not in ("xlsx", "csv"):
        raise ImportRefused("文件类型不支持：只接受 Excel（.xlsx）或 CSV")
    errors = tempfile.TemporaryFile()
    child = subprocess.Popen(
        [sys.executable, "-I", str(READER), kind, str(path), str(READER_MEMORY_MB), str(READER_CPU_SECONDS)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env={"LC_ALL": "C.UTF-8"})
    messages = _messages(child)
    try:
        first = next(messages, None)
        if not (isinstance(first, dict) and "estimate" in first):
            _refuse(first, child, errors)
    except BaseException:
        _stop(child, errors)
        raise

    def rows():
        try:
            number = 0
            for message in messages:
                if isinstance(message, dict):
                    _refuse(message, child, errors)
                for cells in message:
                    number += 1
                    yield number, cells
            if child.wait() != 0:
                _refuse(None, child, errors)
        finally:
            _stop(child, errors)

    return rows(), first["estimate"]


def _messages(child: subprocess.Popen) -> Iterator:
    """The child's JSON lines; a line cut short (the child killed mid-row) ends them."""
    for line in child.stdout:
        try:
            yield json.loads(line, object_hook=_decode)
        except ValueError:
            return


def _decode(value: dict):
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if "date" in value:
        return date.fromisoformat(value["date"])
    return value


def _refuse(message, child: subprocess.Popen, errors) -> None:
    """The child refused the file, or ended without its rows (killed at the memory or time limit,
    or crashed): the batch fails with a message, the worker goes on."""
    if isinstance(message, dict) and "refused" in message:
        raise ImportRefused(message["refused"])
    child.kill()
    code = child.wait()
    errors.seek(0)
    logger.warning("roster reader exited with %s: %s", code, errors.read()[-2000:].decode(errors="replace"))
    raise ImportRefused(
        f"读取文件时超出内存上限（{READER_MEMORY_MB} MB）或时间上限（{READER_CPU_SECONDS} 秒），未导入任何数据："
        f"文件可能已损坏，或工作表中有远离花名册的内容（花名册{reader_child.LIMITS}）。"
        "请把花名册复制到新的工作表后另存再导入")


def _stop(child: subprocess.Popen, errors) -> None:
    if child.poll() is None:
        child.kill()
    child.wait()
    child.stdout.close()
    errors.close()


def find_header(rows: Iterator[tuple[int, list]]) -> tuple[int, dict[int, str]]:
    """The header row (among the first few) and which column holds which field."""
    for number, cells in rows:
        columns = {}
        for index, cell in enumerate(cells):
            key = HEADERS.get(header_key(cell))
            if key and key not in columns.values():
                columns[index] = key
        if "name" in columns.values() and "id_number" in columns.values():
            return number, columns
        if number >= HEADER_SEARCH_ROWS:
            break
    raise ImportRefused("未找到表头：表头行应包含“姓名”“身份证号”等列名（可下载导入模板对照）")


