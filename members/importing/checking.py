"""Checking roster rows: tolerant of form, strict on meaning. Each rule adds a Chinese reason to
the row, so a person fixing the file sees all of a row's problems at once."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from core import idcard
from core.access import get_scope
from core.crypto import get_provider
from core.text import invalid_character, refusal
from members.importing.reading import (
    CHOICES,
    CHUNK,
    LAYOUT,
    MAX_ROWS,
    REQUIRED,
    TEXT_FIELDS,
    ImportRefused,
    clean,
    clean_name,
    find_header,
    parse_date,
    read_rows,
)
from members.models import Gender, ImportRow, Member, MemberStatus, mask_phone, normalize_phone
from members.pinyin import pinyin_fields
from members.services import check_member_dates
from orgs.models import TEMPORARY_BRANCH_RULE, Org, OrgKind

DATE_FIELDS = ("joined", "converted", "applied")
OUTSIDE_SCOPE = "该身份证号已登记在您管理范围以外的党组织"
HEADER_OF = {key: header for key, header, _ in LAYOUT}
GENDER_BY_LABEL = {label: value for value, label in Gender.choices}  # 男 → male, once, not per row


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

    def import_row(self, batch) -> ImportRow:
        """The row as the preview keeps it: masked for display, and ready to write."""
        return ImportRow(
            batch=batch, number=self.number, ok=not self.errors, name=self.name,
            id_masked=self.values.get("id_masked", ""), org_name=self.org.name if self.org else "",
            action=ImportRow.Action.ERROR if self.errors else self.action,
            errors="\n".join(self.errors), data=None if self.errors else self.staged(),
        )

    def staged(self) -> dict:
        """What the commit writes, JSON-ready: the ID and phone numbers encrypted (SM4-GCM) with
        their blind index and masked copy, never in clear; dates as ISO text; org and group by id."""
        values = self.values
        provider = get_provider()
        data = {"name": values["name"], **pinyin_fields(values["name"]),
                "gender": values["gender"], "birth_date": values["birth_date"].isoformat(),
                "id_number_cipher": provider.encrypt(values["id_number"]),
                "id_number_index": self.index, "id_number_masked": values["id_masked"],
                "org_id": values["org"].pk, "group_id": values["group"].pk if values.get("group") else None,
                "status": values["status"]}
        for key in DATE_FIELDS:
            data[key] = values[key].isoformat() if values.get(key) else None
        for key in ("category", "education", *TEXT_FIELDS):
            if key in values:
                data[key] = values[key]
        if "phone" in values:
            number = values["phone"]
            data.update(phone_cipher=provider.encrypt(number) if number else "",
                        phone_index=provider.blind_index(number) if number else "",
                        phone_masked=mask_phone(number) if number else "")
        return data


class RosterChecker:
    """Checks rows for one importer. Orgs and groups are looked up once per distinct value."""

    def __init__(self, user, *, default_org: Org | None = None, today: date | None = None):
        self.user = user
        self.scope = get_scope(user)
        self.default_org = default_org
        self.today = today or timezone.localdate()
        self.provider = get_provider()
        self._orgs: dict[str, tuple[Org | None, str]] = {}
        self._groups: dict[tuple[int, str], Org | None] = {}
        self.seen: dict[str, int] = {}  # blind index → first row number
        self.columns: list[str] = []  # the file's roster columns, once its header is read

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
        for key, value in raw.items():
            character = invalid_character(clean(value), multiline=False)
            if character is not None:
                row.errors.append(f"{HEADER_OF[key]}{refusal(character)}")
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
            if stated_gender not in GENDER_BY_LABEL:
                row.errors.append(f"性别“{stated_gender}”应为“男”或“女”")
            elif GENDER_BY_LABEL[stated_gender] != row.values["gender"]:
                actual = Gender(row.values["gender"]).label
                row.errors.append(f"性别“{stated_gender}”与身份证号不一致（身份证号为{actual}性）")

    def _check_choices(self, row: Row, raw: dict) -> None:
        for key, choice in CHOICES.items():
            text = clean(raw.get(key))
            if not text:
                continue
            try:
                row.values[key] = choice(text)
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
            elif found[0].kind == OrgKind.TEMPORARY_BRANCH:
                result = (None, f"“{text}”是临时党支部：{TEMPORARY_BRANCH_RULE}")
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

    def match_existing(self, rows: list[Row]) -> None:
        """Classify checked rows as create or update by the ID number's blind index. A member
        registered outside the importer's scope is refused without saying where."""
        indexes = [r.index for r in rows if r.index]
        by_index = dict(Member.objects.filter(id_number_index__in=indexes).values_list("id_number_index", "org__path"))
        for row in rows:
            path = by_index.get(row.index)
            if path is None:
                row.action = "create"
            elif not self.scope.covers(path, "member.change"):
                row.errors.append(OUTSIDE_SCOPE)
            else:
                row.action = "update"


def check_file(path, kind: str, checker: RosterChecker, *,
               progress: Callable[[int], None] | None = None) -> Iterator[list[Row]]:
    """Checked rows in chunks of CHUNK, each row classified as create, update or error."""
    rows, estimate = read_rows(path, kind)
    header_row, columns = find_header(rows)
    checker.columns = sorted(set(columns.values()))
    chunk: list[Row] = []
    count = 0
    for number, cells in rows:
        if not any(clean(c) for c in cells):
            continue  # blank lines between blocks of a roster
        count += 1
        if count > MAX_ROWS:
            raise ImportRefused(f"行数超过上限 {MAX_ROWS}，请拆分后再导入")
        row = checker.check(number, cells, columns)
        chunk.append(row)
        if len(chunk) >= CHUNK:
            checker.match_existing(chunk)
            yield chunk
            chunk = []
            if progress and estimate:
                progress(min(99, number * 100 // estimate))
    if chunk:
        checker.match_existing(chunk)
        yield chunk
    if count == 0:
        raise ImportRefused("表头下没有数据行")


