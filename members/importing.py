"""Excel rosters (花名册): read ``.xlsx`` and ``.csv`` files in the common roster layout, check every
row, preview the outcome, then commit all valid rows in one transaction; and export a member list
in the same layout.

Tolerant of form (date spellings, Excel serial numbers, full-width characters, stray spaces, a
lowercase x), strict on meaning (the ID number decides gender and birth date; admission at 18 or
later; conversion after admission; the org within the importer's scope). Each refused row gets
Chinese reasons and nothing is written while any row is refused.

The flow: ``batch_upload`` stores the file (core.files, checked by content) as an ``ImportBatch``;
``batch_preview`` parses it and saves per-row outcomes on the batch, updating ``progress`` as it
goes (pages poll it); ``batch_commit`` parses the file again inside one transaction and writes.
Parsing twice costs a few seconds per 100,000 rows and keeps clear ID and phone numbers out of the
database: the batch stores masked numbers only.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.scope import get_scope
from core import audit, files, idcard
from core.crypto import get_provider
from members.models import (
    Education,
    Gender,
    ImportBatch,
    Member,
    MemberCategory,
    MemberEvent,
    MemberStatus,
    normalize_phone,
)
from members.services import check_member_dates
from orgs.models import Org, OrgKind

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: refuse zip bombs before opening
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


def _choice(text: str, choices, aliases: dict, label: str) -> str:
    for value, choice_label in choices.choices:
        if text in (choice_label, value):
            return value
    if text in aliases:
        return aliases[text]
    options = "、".join(choice_label for _, choice_label in choices.choices)
    raise ValueError(f"{label}“{text}”不在可选范围内（{options}）")


# --- reading files ----------------------------------------------------------------------------

def read_rows(path, kind: str) -> tuple[Iterator[tuple[int, list]], int]:
    """The sheet's rows as (row number, cells), and an estimate of their count for progress."""
    if kind == "xlsx":
        return _xlsx_rows(path)
    if kind == "csv":
        return _csv_rows(path)
    raise ImportRefused("文件类型不支持：只接受 Excel（.xlsx）或 CSV")


def _xlsx_rows(path):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ImportRefused("Excel 文件解压后过大，请拆分后再导入")
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        estimate = sheet.max_row or 0
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign zip
        raise ImportRefused("无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式（.xls 请先另存为 .xlsx）") from exc

    def rows():
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(cells)
        except ImportRefused:
            raise
        except Exception as exc:
            raise ImportRefused("无法读取 Excel 文件：文件内容已损坏") from exc
        finally:
            workbook.close()

    return rows(), estimate


def _csv_rows(path):
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused("无法识别 CSV 文件的编码：请保存为 UTF-8 或 GB18030（Excel 的“CSV”格式）")
    if "\x00" in text:
        raise ImportRefused("CSV 文件含有二进制内容，不是花名册")
    estimate = text.count("\n") + 1

    def rows():
        try:
            yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
        except csv.Error as exc:
            raise ImportRefused(f"CSV 文件格式错误：{exc}") from exc

    return rows(), estimate


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


# --- checking rows ----------------------------------------------------------------------------

@dataclass
class Row:
    """One roster row after checking. ``values`` (clear ID and phone numbers included) stays in
    memory; only ``outcome()`` (masked) is saved."""

    number: int
    name: str = ""
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    index: str = ""
    org: Org | None = None
    action: str = "error"
    member_pk: int | None = None

    def outcome(self) -> dict:
        org = self.org.name if self.org else ""
        masked = self.values.get("id_masked", "")
        return {"row": self.number, "name": self.name, "id": masked, "org": org,
                "action": "error" if self.errors else self.action, "errors": self.errors}


class RosterChecker:
    """Checks rows for one importer. Orgs and groups are looked up once per distinct value."""

    def __init__(self, user, *, default_org: Org | None = None, today: date | None = None):
        self.user = user
        self.scope = get_scope(user)
        self.default_org = default_org
        self.today = today or date.today()
        self.provider = get_provider()
        self._orgs: dict[str, tuple[Org | None, str]] = {}
        self._groups: dict[tuple[int, str], Org | None] = {}
        self.seen: dict[str, int] = {}  # blind index → first row number

    # Each rule adds a Chinese reason to the row; the row goes on to the next rule so a person
    # fixing the file sees all of a row's problems at once.
    def check(self, number: int, cells: list, columns: dict[int, str]) -> Row:
        raw = {key: cells[i] if i < len(cells) else None for i, key in columns.items()}
        row = Row(number=number, name=clean_name(raw.get("name"))[:50])
        values = row.values
        missing = [label for key, label in REQUIRED.items()
                   if not clean(raw.get(key)) and not (key == "org" and self.default_org)]
        if missing:
            row.errors.append(f"缺少必填项：{'、'.join(missing)}")
        if len(clean_name(raw.get("name"))) > 50:
            row.errors.append("姓名过长（最多50字）")
        values["name"] = row.name
        self._check_id(row, raw)
        self._check_choices(row, raw)
        self._check_dates(row, raw)
        self._check_org(row, raw)
        self._check_phone(row, raw)
        for key in TEXT_FIELDS:
            if key in raw:
                text = clean(raw[key])
                limit = Member._meta.get_field(key).max_length
                if len(text) > limit:
                    row.errors.append(f"{Member._meta.get_field(key).verbose_name}过长（最多{limit}字）")
                values[key] = text or ("汉族" if key == "ethnicity" else "")
        return row

    def _check_id(self, row: Row, raw: dict) -> None:
        value = raw.get("id_number")
        if not clean(value):
            return
        try:
            number = idcard.validate(clean(value), today=self.today)
        except ValidationError as exc:
            hint = "（Excel 中身份证号请设为文本格式）" if isinstance(value, (int, float)) else ""
            row.errors.append("；".join(exc.messages) + hint)
            return
        row.values.update(id_number=number, id_masked=idcard.mask(number),
                          birth_date=idcard.birth_date(number), gender=idcard.gender(number))
        row.index = self.provider.blind_index(number)
        if row.index in self.seen:
            row.errors.append(f"身份证号与第{self.seen[row.index]}行重复")
        else:
            self.seen[row.index] = row.number
        if clean(raw.get("birth_date")):
            try:
                stated = parse_date(raw["birth_date"])
            except ValueError as exc:
                row.errors.append(f"出生日期：{exc}")
            else:
                if stated != row.values["birth_date"]:
                    row.errors.append(f"出生日期 {stated:%Y-%m-%d} 与身份证号中的出生日期 "
                                      f"{row.values['birth_date']:%Y-%m-%d} 不一致")
        stated_gender = clean(raw.get("gender"))
        if stated_gender:
            by_label = {label: value for value, label in Gender.choices}
            if stated_gender not in by_label:
                row.errors.append(f"性别“{stated_gender}”应为“男”或“女”")
            elif by_label[stated_gender] != row.values["gender"]:
                actual = Gender(row.values["gender"]).label
                row.errors.append(f"性别“{stated_gender}”与身份证号不一致（身份证号为{actual}性）")

    def _check_choices(self, row: Row, raw: dict) -> None:
        for key, choices, aliases, label in (
            ("education", Education, EDUCATION_ALIASES, "学历"),
            ("category", MemberCategory, CATEGORY_ALIASES, "人员类别"),
            ("status", MemberStatus, STATUS_ALIASES, "党员状态"),
        ):
            text = clean(raw.get(key))
            if not text:
                continue
            try:
                row.values[key] = _choice(text, choices, aliases, label)
            except ValueError as exc:
                row.errors.append(str(exc))

    def _date(self, row: Row, raw: dict, key: str, label: str) -> date | None:
        if not clean(raw.get(key)):
            return None
        try:
            day = parse_date(raw[key])
        except ValueError as exc:
            row.errors.append(f"{label}：{exc}")
            return None
        if day > self.today:
            row.errors.append(f"{label} {day:%Y-%m-%d} 晚于今天")
            return None
        return day

    def _check_dates(self, row: Row, raw: dict) -> None:
        values = row.values
        joined = self._date(row, raw, "joined", "入党日期")
        converted = self._date(row, raw, "converted", "转正日期")
        applied = self._date(row, raw, "applied", "申请入党日期")
        values.update(joined=joined, converted=converted, applied=applied)
        birth = values.get("birth_date")
        if joined and birth:
            try:
                check_member_dates(birth=birth, joined=joined)
            except ValidationError as exc:
                row.errors.extend(exc.messages)
        if joined and converted and converted < joined:
            row.errors.append(f"转正日期 {converted:%Y-%m-%d} 早于入党日期 {joined:%Y-%m-%d}")
        if joined and applied and applied > joined:
            row.errors.append(f"申请入党日期 {applied:%Y-%m-%d} 晚于入党日期 {joined:%Y-%m-%d}")
        if applied and birth and (applied.year - birth.year - ((applied.month, applied.day) < (birth.month, birth.day))) < 18:
            row.errors.append("申请入党时须年满十八岁（《党章》第一条）")
        if "status" not in values:
            values["status"] = MemberStatus.FULL if converted else MemberStatus.PROBATIONARY

    def _check_org(self, row: Row, raw: dict) -> None:
        text = clean(raw.get("org"))
        if text:
            org, error = self._org(text)
            if error:
                row.errors.append(error)
                return
        elif self.default_org is not None:
            org = self.default_org
        else:
            return
        row.org = org
        row.values["org"] = org
        group_text = clean(raw.get("group"))
        row.values["group"] = None
        if group_text:
            group = self._group(org, group_text)
            if group is None:
                row.errors.append(f"党小组“{group_text}”不是“{org.name}”下属的党小组")
            row.values["group"] = group

    def _org(self, text: str) -> tuple[Org | None, str]:
        """The org named by code or full name. An org the importer may not even see reads as
        unknown, so the refusal does not tell whether it exists elsewhere."""
        if text not in self._orgs:
            visible = Org.objects.visible_to(self.user, "view").filter(Q(code=text.upper()) | Q(name=text))
            found = list(visible[:2])
            if not found:
                result = (None, f"所在党组织“{text}”不存在或不在您的管理范围内（请填写组织代码或全称）")
            elif len(found) > 1:
                result = (None, f"名称为“{text}”的党组织不止一个，请改填组织代码")
            elif not self.scope.covers(found[0].path, "member.change"):
                result = (None, f"您无权维护“{text}”的党员（不在您的管理范围内）")
            elif found[0].kind == OrgKind.GROUP:
                result = (None, f"“{text}”是党小组：所在党组织应填党支部，党小组填在“所在党小组”列")
            else:
                result = (found[0], "")
            self._orgs[text] = result
        return self._orgs[text]

    def _group(self, org: Org, text: str) -> Org | None:
        key = (org.pk, text)
        if key not in self._groups:
            self._groups[key] = Org.objects.filter(
                Q(code=text.upper()) | Q(name=text), kind=OrgKind.GROUP,
                path__startswith=org.path, depth=org.depth + 1,
            ).first()
        return self._groups[key]

    def _check_phone(self, row: Row, raw: dict) -> None:
        if "phone" not in raw:
            return
        try:
            row.values["phone"] = normalize_phone(clean(raw.get("phone")))
        except ValidationError as exc:
            row.errors.extend(exc.messages)

    def match_existing(self, rows: list[Row], *, lock: bool = False) -> dict[str, Member]:
        """Classify checked rows as create or update by the ID number's blind index. A member
        registered outside the importer's scope is refused without saying where."""
        indexes = [r.index for r in rows if r.index]
        existing = Member.objects.filter(id_number_index__in=indexes).select_related("org")
        if lock:
            existing = existing.select_for_update(of=("self",))
        by_index = {m.id_number_index: m for m in existing}
        for row in rows:
            member = by_index.get(row.index)
            if member is None:
                row.action = "create"
            elif not self.scope.covers(member.org.path, "member.change"):
                row.errors.append("该身份证号已登记在您管理范围以外的党组织")
            else:
                row.action, row.member_pk = "update", member.pk
        return by_index


def check_file(path, kind: str, checker: RosterChecker, *, lock: bool = False,
               progress: Callable[[int], None] | None = None) -> Iterator[tuple[list[Row], dict]]:
    """Checked rows in chunks of CHUNK, with the existing members of each chunk by blind index."""
    rows, estimate = read_rows(path, kind)
    header_row, columns = find_header(rows)
    present = set(columns.values())
    chunk: list[Row] = []
    count = 0
    for number, cells in rows:
        if not any(clean(c) for c in cells):
            continue  # blank lines between blocks of a roster
        count += 1
        if count > MAX_ROWS:
            raise ImportRefused(f"行数超过上限 {MAX_ROWS}，请拆分后再导入")
        row = checker.check(number, cells, columns)
        row.values["_present"] = present
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk, checker.match_existing(chunk, lock=lock)
            chunk = []
            if progress and estimate:
                progress(min(99, number * 100 // estimate))
    if chunk:
        yield chunk, checker.match_existing(chunk, lock=lock)
    if count == 0:
        raise ImportRefused("表头下没有数据行")


# --- the batch: upload, preview, commit -------------------------------------------------------

def batch_upload(*, actor, upload, file_name: str, default_org: Org | None = None) -> ImportBatch:
    """Store the uploaded roster (checked by content) as a pending batch."""
    if default_org is not None and not get_scope(actor).covers(default_org.path, "member.change"):
        raise ValidationError("默认党组织不在您的管理范围内")
    stored = files.store(upload, allowed={"xlsx", "csv"}, max_bytes=MAX_FILE_BYTES)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            org=default_org, uploaded_by=actor, file_name=file_name[:200], stored_name=stored.stored_name)
        audit.record("member.import.upload", obj=batch, org=default_org,
                     changes={"file": batch.file_name, "size": stored.size, "sha256": stored.sha256})
    return batch


def _kind(batch: ImportBatch) -> str:
    return batch.stored_name.rsplit(".", 1)[-1]


def _claim(batch: ImportBatch, statuses: list[str], new_status: str, *, stale_after: timedelta | None = None) -> bool:
    """Move the batch to ``new_status`` if nobody else did: one request runs each phase."""
    q = Q(status__in=statuses)
    if stale_after:  # a worker killed mid-parse leaves PARSING behind; let it be retried
        q |= Q(status=ImportBatch.Status.PARSING, updated__lt=timezone.now() - stale_after)
    claimed = ImportBatch.objects.filter(q, pk=batch.pk).update(status=new_status, progress=0,
                                                                updated=timezone.now())
    if claimed:
        batch.status = new_status
    return bool(claimed)


def _set_progress(batch: ImportBatch, percent: int) -> None:
    # Outside any transaction: each update commits at once, so polling pages see it.
    ImportBatch.objects.filter(pk=batch.pk).update(progress=percent, updated=timezone.now())


def _fail(batch: ImportBatch, message: str) -> None:
    batch.status, batch.message = ImportBatch.Status.FAILED, message[:300]
    batch.save(update_fields=["status", "message", "updated"])


def batch_preview(*, actor, batch: ImportBatch) -> ImportBatch:
    """Parse and check every row; save the outcomes (errors first) and counts on the batch."""
    if not _claim(batch, [ImportBatch.Status.PENDING], ImportBatch.Status.PARSING,
                  stale_after=timedelta(minutes=10)):
        batch.refresh_from_db()
        return batch
    checker = RosterChecker(actor, default_org=batch.org)
    outcomes: list[dict] = []
    try:
        for chunk, _ in check_file(files.path_of(batch.stored_name), _kind(batch), checker,
                                   progress=lambda p: _set_progress(batch, p)):
            outcomes.extend(row.outcome() for row in chunk)
    except ImportRefused as exc:
        _fail(batch, str(exc))
        return batch
    outcomes.sort(key=lambda o: (o["action"] != "error", o["row"]))
    errors = sum(1 for o in outcomes if o["action"] == "error")
    refused_scope = sum(1 for o in outcomes if any("管理范围" in e for e in o["errors"]))
    with transaction.atomic():
        batch.outcomes = outcomes
        batch.total_rows, batch.error_rows, batch.valid_rows = len(outcomes), errors, len(outcomes) - errors
        batch.status, batch.progress, batch.message = ImportBatch.Status.PREVIEWED, 100, ""
        batch.save()
        # Rows naming orgs or members outside the importer's scope are attempts worth a record.
        audit.record("member.import.preview", obj=batch, org=batch.org,
                     result="denied" if refused_scope else "success",
                     changes={"rows": len(outcomes), "errors": errors, "out_of_scope": refused_scope})
    return batch


def _apply(member: Member, values: dict, present: set[str]) -> None:
    """Overwrite the fields whose column is in the file; leave the rest of the archive alone."""
    member.name, member.org, member.joined = values["name"], values["org"], values["joined"]
    defaults = {"category": MemberCategory.IN_SERVICE, "education": "", "group": None,
                "ethnicity": "汉族", "converted": None, "applied": None}
    for key in ("converted", "applied", "education", "category", "group", *TEXT_FIELDS):
        if key in present:
            setattr(member, key, values.get(key) or defaults.get(key, ""))
    if "status" in present:
        member.status = values["status"]
    elif member.status in (MemberStatus.FULL, MemberStatus.PROBATIONARY):
        member.status = MemberStatus.FULL if member.converted else MemberStatus.PROBATIONARY
    if "phone" in present:
        number = values.get("phone", "")
        if member.phone_index != (get_provider().blind_index(number) if number else ""):
            member.set_phone(number)  # re-encrypt only a changed number


def batch_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Write all rows in one transaction, only when the preview found no error.

    The file is checked again inside the transaction (scope and existing members may have
    changed since the preview); any error now rolls everything back. Members are written with
    bulk_create/bulk_update per chunk, each with a timeline line (记实), and the audit trail gets
    one ``member.import`` entry with the counts: 100,000 hash-chained entries would serialise on
    the chain head for minutes, while the batch (file, sha256, per-row outcomes) and each
    member's timeline already say what was written for whom."""
    if batch.error_rows or not _claim(batch, [ImportBatch.Status.PREVIEWED], ImportBatch.Status.COMMITTING):
        raise ValidationError("只有预览无错误的导入才能确认（请修正文件后重新上传）")
    checker = RosterChecker(actor, default_org=batch.org)
    counts = {"create": 0, "update": 0}
    try:
        with transaction.atomic():
            for chunk, existing in check_file(files.path_of(batch.stored_name), _kind(batch), checker,
                                                  lock=True):
                bad = [r for r in chunk if r.errors]
                if bad:
                    raise ImportRefused(f"第{bad[0].number}行：{'；'.join(bad[0].errors)}（数据在预览后已变化，请重新上传）")
                _write_chunk(chunk, existing, actor=actor, batch=batch, counts=counts)
            batch.status, batch.progress = ImportBatch.Status.COMMITTED, 100
            batch.created_rows, batch.updated_rows = counts["create"], counts["update"]
            batch.committed_at, batch.message = timezone.now(), ""
            batch.save()
            audit.record("member.import", obj=batch, org=batch.org, changes={
                "file": batch.file_name, "created": counts["create"], "updated": counts["update"]})
    except ImportRefused as exc:
        _fail(batch, str(exc))
    except IntegrityError:
        _fail(batch, "导入期间有人登记了同一身份证号，已全部撤销，请重新上传")
    return batch


def _write_chunk(chunk: list[Row], existing: dict[str, Member], *, actor, batch, counts) -> None:
    today = date.today()
    summary_create = f"花名册导入：建立党员档案（{batch.file_name}）"[:300]
    summary_update = f"花名册导入：更新党员档案（{batch.file_name}）"[:300]
    new_members, changed, matched = [], [], 0
    for row in chunk:
        values = row.values
        if row.action == "create":
            member = Member(
                org=values["org"], group=values.get("group"), name=values["name"],
                gender=values["gender"], birth_date=values["birth_date"], joined=values["joined"],
                converted=values["converted"], applied=values["applied"], status=values["status"],
                category=values.get("category", MemberCategory.IN_SERVICE),
                education=values.get("education", ""),
                **{k: values.get(k, "汉族" if k == "ethnicity" else "") for k in TEXT_FIELDS},
            )
            member.set_id_number(values["id_number"])
            member.set_phone(values.get("phone", ""))
            new_members.append(member)
        else:
            member = existing[row.index]
            before = [getattr(member, f) for f in COMPARED]
            _apply(member, values, values["_present"])
            matched += 1
            # Only members whose data changed are written and get a timeline line: re-importing
            # an unchanged roster writes nothing (bulk_update's CASE statements are slow on SQLite).
            if [getattr(member, f) for f in COMPARED] != before:
                member.updated = timezone.now()
                changed.append(member)
    Member.objects.bulk_create(new_members, batch_size=CHUNK)
    if changed:
        fields = ["updated", "phone_cipher", "phone_index", "phone_masked",
                  *[f for f in UPDATE_FIELDS if f != "phone"]]
        Member.objects.bulk_update(changed, fields, batch_size=100)
    MemberEvent.objects.bulk_create(
        [MemberEvent(member=m, kind="import", summary=summary_create, actor=actor, occurred=today) for m in new_members]
        + [MemberEvent(member=m, kind="import", summary=summary_update, actor=actor, occurred=today) for m in changed],
        batch_size=CHUNK,
    )
    counts["create"] += len(new_members)
    counts["update"] += matched  # matched rows: the roster's members that were already registered


def batch_discard(*, actor, batch: ImportBatch) -> None:
    with transaction.atomic():
        if ImportBatch.objects.filter(pk=batch.pk, status__in=[
                ImportBatch.Status.PENDING, ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED]
        ).update(status=ImportBatch.Status.DISCARDED, updated=timezone.now()):
            audit.record("member.import.discard", obj=batch, org=batch.org)
    files.delete(batch.stored_name)


# --- reports and export -----------------------------------------------------------------------

def _safe(value) -> str:
    """Neutralise spreadsheet formulas in cells a user typed."""
    from core.views import _csv_safe

    return _csv_safe(value)


def error_report_csv(batch: ImportBatch) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel then reads UTF-8 Chinese correctly
    writer = csv.writer(out)
    writer.writerow(["行号", "姓名", "问题"])
    for outcome in batch.outcomes:
        if outcome["action"] == "error":
            writer.writerow([outcome["row"], _safe(outcome["name"]), "；".join(outcome["errors"])])
    return out.getvalue()


EXPORT_HEADERS = [header for key, header, _ in LAYOUT]


def export_row(member: Member) -> list:
    """A member as a roster row: ID and phone masked, dates as ISO text, org by full name."""
    values = {
        "name": member.name, "gender": member.get_gender_display(), "ethnicity": member.ethnicity,
        "birth_date": member.birth_date, "id_number": member.id_number_masked,
        "education": member.get_education_display() if member.education else "",
        "joined": member.joined, "converted": member.converted, "org": member.org.name,
        "group": member.group.name if member.group_id else "",
        "category": member.get_category_display(), "phone": member.phone_masked,
        "status": member.get_status_display(), "applied": member.applied,
        **{k: getattr(member, k) for k in TEXT_FIELDS},
    }
    return [v.isoformat() if isinstance(v, date) else _safe(v) for v in (values[k] for k, _, _ in LAYOUT)]


def export_xlsx(queryset, out) -> int:
    """Write the members to ``out`` as an .xlsx roster; return the row count. Write-only mode
    streams rows, so memory stays flat with the list's length."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员花名册")
    sheet.append(EXPORT_HEADERS)
    count = 0
    for member in queryset.select_related("org", "group").iterator(chunk_size=2000):
        sheet.append(export_row(member))
        count += 1
    workbook.save(out)
    return count

