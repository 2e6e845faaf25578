"""Member workflows. One transaction each, with an audit entry; the ID number never reaches the
audit trail in clear."""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date

from core import audit, files, idcard
from core.access import get_scope
from core.errors import NotFound
from members import summaries as member_counts
from members.models import (
    Appraisal,
    CorrectionRequest,
    FamilyMember,
    Hardship,
    Member,
    MemberDocument,
    MemberEvent,
    MemberRecord,
    MemberStatus,
    Observation,
    PositionHeld,
    RewardPunishment,
    TravelAbroad,
)
from notifications.models import Kind
from notifications.services import notify
from orgs.models import TEMPORARY_BRANCH_RULE, Org, OrgKind


def _require(actor, org: Org, perm: str) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def record_event(*, member: Member, kind: str, summary: str, actor=None, occurred: date | None = None) -> MemberEvent:
    """One line on the member's timeline (记实). Call inside the service's transaction."""
    return MemberEvent.objects.create(member=member, kind=kind, summary=summary[:300], actor=actor,
                                      occurred=occurred or timezone.localdate())


def check_member_dates(*, birth: date, joined: date) -> None:
    if joined > timezone.localdate():
        raise ValidationError({"joined": "入党日期不能晚于今天"})
    age_at_join = joined.year - birth.year - ((joined.month, joined.day) < (birth.month, birth.day))
    if age_at_join < 18:
        raise ValidationError({"joined": "入党时须年满十八岁（《党章》第一条）"})


def member_create(*, actor, org: Org, name: str, id_number: str, status: str, joined: date) -> Member:
    """Gender and birth date come from the ID number (GB 11643)."""
    _require(actor, org, "member.change")
    if org.kind == OrgKind.TEMPORARY_BRANCH:
        raise ValidationError({"org": f"“{org.name}”是临时党支部：{TEMPORARY_BRANCH_RULE}"})
    try:
        number = idcard.validate(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    birth = idcard.birth_date(number)
    check_member_dates(birth=birth, joined=joined)
    member = Member(org=org, gender=idcard.gender(number), birth_date=birth, status=status, joined=joined)
    member.set_name(name)
    member.set_id_number(number)
    if Member.objects.filter(id_number_index=member.id_number_index).exists():
        raise ValidationError({"id_number": "该身份证号已登记为党员"})
    try:
        with transaction.atomic():
            member.save()
            member_counts.moved(None, member_counts.place(member))
            record_event(member=member, kind="create", summary=f"建立党员档案（{member.org.name}）",
                         actor=actor)
            audit.record("member.create", obj=member, changes={"after": member.audit_snapshot()})
    except IntegrityError as exc:
        raise ValidationError({"id_number": "该身份证号已登记为党员"}) from exc
    return member


def member_unmask(*, actor, member: Member, field: str = "id_number") -> str:
    """The clear ID number (or phone), for roles allowed to see it; every view is audited by the
    field's name, never its value."""
    _require(actor, member.org, "member.unmask")
    if field not in SENSITIVE_FIELDS:
        raise ValidationError({"field": "只能查看身份证号或联系电话"})
    value = member.get_id_number() if field == "id_number" else member.get_phone()
    if not value:
        return ""
    with transaction.atomic():
        audit.record("member.unmask", obj=member, changes={"field": field})
    return value


def member_lookup(*, actor, id_number: str) -> Member | None:
    """Exact lookup of an ID number within the actor's scope, through the blind index.

    Every lookup is audited (a search by identity number is itself sensitive); the number is not."""
    try:
        number = idcard.validate(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    member = (
        Member.objects.visible_to(actor).select_related("org")
        .filter(id_number_index=Member.id_number_lookup(number)).first()
    )
    with transaction.atomic():
        if member is None:
            audit.record("member.lookup", object_type="members.member", changes={"found": False})
        else:
            audit.record("member.lookup", obj=member, changes={"found": True})
    return member


# --- the archive: identity and party data ------------------------------------------------------
#
# Archive rules, as data: each names the fields it reads and a check that raises a
# ValidationError naming the field. member_update runs only the rules whose fields change, so an
# unrelated edit (a phone number) is never blocked by a legacy record's old gaps.

# Members admitted before the platform went live were converted on paper; many archives lack the
# conversion date, so it is required for full members only when admitted on or after this date
# (settings.MEMBERS_CONVERSION_REQUIRED_SINCE overrides it).
CONVERSION_REQUIRED_SINCE = date(2019, 1, 1)

# Fields member_update changes. The org is not one: moving a member is a transfer (transfers app).
ARCHIVE_FIELDS = (
    "name", "former_name", "ethnicity", "native_place", "education", "degree", "occupation", "title",
    "work_unit", "work_post", "address", "applied", "joined", "converted", "category", "status",
    "group", "id_number", "phone",
)
SENSITIVE_FIELDS = {"id_number": "id_number_masked", "phone": "phone_masked"}
_REQUIRED_FIELDS = {"name", "ethnicity", "joined", "status", "category"}


def _field(name: str) -> models.Field:
    """A field of the member's own row (get_field also answers reverse relations, which have no
    choices, lengths or labels of their own)."""
    field = Member._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"Member.{name} is not a field of its own")
    return field


def field_label(name: str) -> str:
    if name == "id_number":
        return "身份证号"
    if name == "phone":
        return "联系电话"
    return str(_field(name).verbose_name)


def conversion_required_since() -> date:
    return getattr(settings, "MEMBERS_CONVERSION_REQUIRED_SINCE", CONVERSION_REQUIRED_SINCE)


def _age_at(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _rule_joined(m: Member) -> None:
    if m.joined > timezone.localdate():
        raise ValidationError({"joined": "入党日期不能晚于今天"})
    if _age_at(m.birth_date, m.joined) < 18:
        raise ValidationError({"joined": "入党时须年满十八岁（《党章》第一条；《发展党员工作细则》第五条）"})


def _rule_applied(m: Member) -> None:
    if m.applied and m.applied > m.joined:
        raise ValidationError({"applied": "申请入党日期不能晚于入党日期"})


def _rule_converted(m: Member) -> None:
    if m.converted and m.converted < m.joined:
        raise ValidationError({"converted": "转正日期不能早于入党日期"})
    if m.converted and m.converted > timezone.localdate():
        raise ValidationError({"converted": "转正日期不能晚于今天"})


def _rule_status(m: Member) -> None:
    if m.status == "probationary" and m.converted:
        raise ValidationError({"converted": "预备党员尚未转正，不应填写转正日期"})
    if m.status == "full" and not m.converted and m.joined >= conversion_required_since():
        raise ValidationError({"converted": f"正式党员须填写转正日期（{conversion_required_since():%Y年%m月%d日}及以后入党的）"})


def _rule_cancelled(m: Member) -> None:
    if m.status == MemberStatus.CANCELLED and m.converted:
        raise ValidationError({"status": "已转正的党员不能取消预备党员资格（《党章》第七条）"})


def _rule_moved_out(m: Member) -> None:
    if m.status == MemberStatus.MOVED_OUT:
        raise ValidationError({"status": "“已转出”由登记平台外转出介绍信的回执自动产生，不能在档案中直接修改"})


def _rule_group(m: Member) -> None:
    group = m.group
    if group is None:
        return
    if group.kind != "group" or group.depth != m.org.depth + 1 or not group.path.startswith(m.org.path):
        raise ValidationError({"group": f"所在党小组须是“{m.org.name}”下设的党小组"})


def _rule_choices(m: Member) -> None:
    for name in ("status", "category", "education", "gender"):
        value = getattr(m, name)
        choices = dict(_field(name).flatchoices)
        if value and value not in choices:
            raise ValidationError({name: f"{field_label(name)}“{value}”不是可选值"})


def _rule_required(m: Member) -> None:
    for name in _REQUIRED_FIELDS:
        value = getattr(m, name)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            raise ValidationError({name: f"{field_label(name)}不能为空"})


ARCHIVE_RULES = (
    ({"name", "ethnicity", "joined", "status", "category"}, _rule_required),
    ({"status", "category", "education"}, _rule_choices),
    ({"joined", "id_number"}, _rule_joined),
    ({"applied", "joined"}, _rule_applied),
    ({"converted", "joined"}, _rule_converted),
    ({"status", "converted", "joined"}, _rule_status),
    ({"status"}, _rule_moved_out),
    ({"status", "converted"}, _rule_cancelled),
    ({"group"}, _rule_group),
)


def _parse_date(value, name: str):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value

    try:
        parsed = parse_date(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: f"{field_label(name)}应为日期，格式如 2020-07-01"})
    return parsed


def _assign(member: Member, name: str, value) -> None:
    """Set one archive field from a form, API or correction value (strings are accepted)."""
    if name == "id_number":
        try:
            number = idcard.validate(value or "")
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc
        member.set_id_number(number)
        member.gender = idcard.gender(number)
        member.birth_date = idcard.birth_date(number)
    elif name == "phone":
        try:
            member.set_phone(value or "")
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    elif name in ("applied", "joined", "converted"):
        setattr(member, name, _parse_date(value, name))
    elif name == "group":
        if value in (None, ""):
            member.group = None
        else:
            group = value if isinstance(value, Org) else Org.objects.filter(pk=_int_or_none(value)).first()
            if group is None:
                raise ValidationError({"group": "所选党小组不存在"})
            member.group = group
    elif name in ("status", "category", "education"):
        value = "" if value is None else str(value).strip()
        labels = {label: key for key, label in _field(name).flatchoices}
        setattr(member, name, labels.get(value, value))
    else:
        text = "" if value is None else str(value).strip()
        limit = _field(name).max_length
        if limit and len(text) > limit:
            raise ValidationError({name: f"{field_label(name)}不能超过{limit}个字"})
        if name == "name":
            member.set_name(text)  # with its pinyin search fields
        else:
            setattr(member, name, text)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shown(member: Member, name: str) -> str:
    """A field's value as the timeline shows it: masked for ID and phone, labels for choices."""
    if name in SENSITIVE_FIELDS:
        return getattr(member, SENSITIVE_FIELDS[name]) or "空"
    if name == "address":
        return "（已修改）"
    value = getattr(member, name)
    if name in ("status", "category", "education"):
        return getattr(member, f"get_{name}_display")() or "空"
    if name == "group":
        return value.name if value else "空"
    if value in (None, ""):
        return "空"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def member_check(member: Member) -> None:
    """Every archive rule on one member (a new archive has no legacy gaps to spare)."""
    for _fields, rule in ARCHIVE_RULES:
        rule(member)


def member_register(*, actor, org: Org, name: str, id_number: str, status: str, joined: date,
                    archive: dict | None = None) -> Member:
    """A new member with a full archive (the API's create): member_create, then the archive
    fields through member_update, then every rule; all in one transaction."""
    if status not in MemberStatus.values:
        raise ValidationError({"status": f"党员状态“{status}”不是可选值"})
    with transaction.atomic():
        member = member_create(actor=actor, org=org, name=name, id_number=id_number, status=status, joined=joined)
        if archive:
            member = member_update(actor=actor, member=member, changes=archive)
        member_check(Member.objects.select_related("org", "group").get(pk=member.pk))
    return member


def _raw(member: Member, name: str):
    """What decides whether a field changed: blind indexes for ID and phone, the id for group."""
    if name == "id_number":
        return member.id_number_index
    if name == "phone":
        return member.phone_index
    if name == "group":
        return member.group_id
    return getattr(member, name)


def member_update(*, actor, member: Member, changes: dict) -> Member:
    """Change archive fields (ARCHIVE_FIELDS). An ID change re-derives gender and birth date.
    One timeline line names what changed (masked); the audit entry holds the masked diff."""
    unknown = set(changes) - set(ARCHIVE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "该项不能在此修改"})
    with transaction.atomic():
        member = Member.objects.select_for_update(of=("self",)).select_related("org", "group").get(pk=member.pk)
        _require(actor, member.org, "member.change")
        before = member.audit_snapshot()
        counted_before = member_counts.place(member)
        raw_before = {name: _raw(member, name) for name in changes}
        shown_before = {name: _shown(member, name) for name in changes}
        for name, value in changes.items():
            _assign(member, name, value)
        changed = {name for name in changes if _raw(member, name) != raw_before[name]}
        if not changed:
            return member
        for fields, rule in ARCHIVE_RULES:
            if fields & changed:
                rule(member)
        if "id_number" in changed and Member.objects.filter(
                id_number_index=member.id_number_index).exclude(pk=member.pk).exists():
            raise ValidationError({"id_number": "该身份证号已登记为党员"})
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError as exc:
            raise ValidationError({"id_number": "该身份证号已登记为党员"}) from exc
        member_counts.moved(counted_before, member_counts.place(member), member_id=member.pk)
        parts = [
            "家庭住址已修改" if n == "address" else f"{field_label(n)} {shown_before[n]} → {_shown(member, n)}"
            for n in ARCHIVE_FIELDS if n in changed
        ]
        record_event(member=member, kind="update", summary="修改档案：" + "；".join(parts), actor=actor)
        audit.record("member.update", obj=member, changes=audit.diff(before, member.audit_snapshot()))
    return member


# --- records over time -------------------------------------------------------------------------

RECORD_MODELS: dict[str, type[MemberRecord]] = {
    "position": PositionHeld,
    "reward": RewardPunishment,
    "family": FamilyMember,
    "travel": TravelAbroad,
    "hardship": Hardship,
    "appraisal": Appraisal,
    "observation": Observation,
}


def _check_record(record) -> None:
    """Field validation (required, lengths, choices) plus the cross-field rules of each record."""
    try:
        record.full_clean(exclude=["member"], validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    today = timezone.localdate()
    if isinstance(record, TravelAbroad):
        if record.returned and record.returned < record.departed:
            raise ValidationError({"returned": "入境日期不能早于出境日期"})
        if record.departed > today:
            raise ValidationError({"departed": "出境日期不能晚于今天"})
    elif isinstance(record, PositionHeld) and record.ended and record.ended < record.started:
        raise ValidationError({"ended": "免职日期不能早于任职日期"})
    elif isinstance(record, Hardship) and record.resolved and record.resolved < record.since:
        raise ValidationError({"resolved": "解除日期不能早于起始日期"})
    elif isinstance(record, Observation):
        _check_observation(record, today)
    elif isinstance(record, Appraisal):
        if not 1950 <= record.year <= today.year:
            raise ValidationError({"year": f"评议年度应在1950年至{today.year}年之间"})
        duplicate = Appraisal.objects.filter(member_id=record.member_id, year=record.year).exclude(pk=record.pk)
        if duplicate.exists():
            raise ValidationError({"year": f"{record.year}年度已有民主评议结果（民主评议党员每年一次）"})


OBSERVATION_MAX_YEARS = 2  # 留党察看最长不超过两年 (党章第四十条)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_observation(record: Observation, today: date) -> None:
    if record.starts_on > today:
        raise ValidationError({"starts_on": "察看开始日期不能晚于今天"})
    if record.ends_on <= record.starts_on:
        raise ValidationError({"ends_on": "察看期满日期应晚于开始日期"})
    if record.ends_on > _years_after(record.starts_on, OBSERVATION_MAX_YEARS):
        raise ValidationError({"ends_on": "留党察看最长不超过两年（党章第四十条）"})
    member = Member.objects.get(pk=record.member_id)
    if member.status == MemberStatus.PROBATIONARY:
        raise ValidationError({NON_FIELD_ERRORS: "预备党员不适用留党察看：不具备党员条件的，应取消其预备党员资格（党章第七条）"})


def _record_label(record) -> str:
    return f"{record._meta.verbose_name}“{record}”"


def _save_record(record) -> None:
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # the database's own "once a year" and date constraints
        if isinstance(record, Appraisal):
            raise ValidationError({"year": f"{record.year}年度已有民主评议结果（民主评议党员每年一次）"}) from exc
        raise ValidationError("记录与已有数据冲突，未保存") from exc


def _assign_record(record, data: dict) -> None:
    fields = {f.name for f in record._meta.concrete_fields if f.editable} - {"member", "created", "updated", "id"}
    unknown = set(data) - fields
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "该项不存在"})
    for name, value in data.items():
        field = record._meta.get_field(name)
        if isinstance(field, models.DateField):
            value = _parse_date_field(value, name, str(field.verbose_name))
        elif isinstance(value, str):
            value = value.strip()
        setattr(record, name, value)


def _parse_date_field(value, name: str, label: str):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value

    try:
        parsed = parse_date(str(value).strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: f"{label}应为日期，格式如 2020-07-01"})
    return parsed


def record_add(*, actor, member: Member, kind: str, data: dict):
    """Add one dated record (任职、奖惩、家庭成员、出国出境、困难、评议) to the archive."""
    model = RECORD_MODELS[kind]
    with transaction.atomic():
        member = Member.objects.select_related("org").get(pk=member.pk)
        _require(actor, member.org, "member.change")
        record = model(member=member)
        _assign_record(record, data)
        _check_record(record)
        _save_record(record)
        record_event(member=member, kind=f"{kind}_add", summary=f"新增{_record_label(record)}", actor=actor)
        audit.record(f"member.{kind}_add", obj=record, changes={"after": record.audit_snapshot()})
    return record


def record_update(*, actor, record, data: dict):
    kind = _kind_of(record)
    with transaction.atomic():
        record = type(record).objects.select_for_update().select_related("member__org").get(pk=record.pk)
        _require(actor, record.member.org, "member.change")
        before = record.audit_snapshot()
        label_before = _record_label(record)
        _assign_record(record, data)
        _check_record(record)
        difference = audit.diff(before, record.audit_snapshot())
        if not difference:
            return record
        _save_record(record)
        changed = "、".join(str(record._meta.get_field(n).verbose_name) for n in difference)
        record_event(member=record.member, kind=f"{kind}_update",
                     summary=f"修改{label_before}：{changed}", actor=actor)
        audit.record(f"member.{kind}_update", obj=record, changes=difference)
    return record


def record_delete(*, actor, record) -> None:
    kind = _kind_of(record)
    with transaction.atomic():
        record = type(record).objects.select_for_update().select_related("member__org").get(pk=record.pk)
        _require(actor, record.member.org, "member.change")
        record_event(member=record.member, kind=f"{kind}_delete", summary=f"删除{_record_label(record)}",
                     actor=actor)
        audit.record(f"member.{kind}_delete", obj=record, changes={"before": record.audit_snapshot()})
        record.delete()


def _kind_of(record) -> str:
    return next(kind for kind, model in RECORD_MODELS.items() if isinstance(record, model))


def _named(kind: str):
    """`<record>_add`, `<record>_update`, `<record>_delete` for one kind of record."""

    def add(*, actor, member: Member, data: dict):
        return record_add(actor=actor, member=member, kind=kind, data=data)

    def update(*, actor, record, data: dict):
        return record_update(actor=actor, record=record, data=data)

    def delete(*, actor, record) -> None:
        record_delete(actor=actor, record=record)

    add.__name__, update.__name__, delete.__name__ = f"{kind}_add", f"{kind}_update", f"{kind}_delete"
    return add, update, delete


position_add, position_update, position_delete = _named("position")
reward_add, reward_update, reward_delete = _named("reward")
family_add, family_update, family_delete = _named("family")
travel_add, travel_update, travel_delete = _named("travel")
hardship_add, hardship_update, hardship_delete = _named("hardship")
appraisal_add, appraisal_update, appraisal_delete = _named("appraisal")
observation_add, observation_update, observation_delete = _named("observation")


# --- documents ---------------------------------------------------------------------------------

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_KINDS = {"pdf", "png", "jpeg"}
def document_add(*, actor, member: Member, upload, title: str, kind: str = MemberDocument.Kind.OTHER):
    """Store a scanned form or file (PDF, PNG, JPEG; ≤ 10 MB) in the archive."""
    member = Member.objects.select_related("org").get(pk=member.pk)
    _require(actor, member.org, "member.change")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写标题"})
    if len(title) > 100:
        raise ValidationError({"title": "标题不能超过100个字"})
    if kind not in MemberDocument.Kind.values:
        raise ValidationError({"kind": "材料类别不是可选值"})
    stored = files.store_document(upload, allowed=DOCUMENT_KINDS, max_bytes=DOCUMENT_MAX_BYTES)
    try:
        with transaction.atomic():
            document = MemberDocument.objects.create(
                member=member, kind=kind, title=title, uploaded_by=actor,
                **MemberDocument.stored_fields(upload, stored))
            record_event(member=member, kind="document_add", summary=f"上传档案材料“{title}”", actor=actor)
            audit.record("member.document_upload", obj=document,
                         changes={"kind": kind, "size": stored.size, "sha256": stored.sha256})
    except BaseException:
        files.delete(stored.stored_name)  # no orphan file for a row that was never written
        raise
    return document


def document_open(*, actor, document: MemberDocument):
    """The file of a document the caller found through visible_to; each download is audited."""
    with transaction.atomic():
        audit.record("member.document_download", obj=document, changes={"sha256": document.sha256})
    return files.attachment(document.stored_name, document.file_name, document.content_type)


def document_delete(*, actor, document: MemberDocument) -> None:
    with transaction.atomic():
        document = MemberDocument.objects.select_for_update().select_related("member__org").get(pk=document.pk)
        _require(actor, document.member.org, "member.change")
        record_event(member=document.member, kind="document_delete", summary=f"删除档案材料“{document.title}”",
                     actor=actor)
        audit.record("member.document_delete", obj=document, changes={"before": document.audit_snapshot()})
        stored_name = document.stored_name
        document.delete()
        transaction.on_commit(lambda: files.delete(stored_name))


# --- correction requests -----------------------------------------------------------------------

# What a member may ask to correct, by field. ID number and phone are not among them: a request
# is stored in clear, and those two are kept only encrypted; the member brings papers to the branch.
CORRECTABLE_FIELDS = (
    "name", "former_name", "ethnicity", "native_place", "education", "degree", "occupation", "title",
    "work_unit", "work_post", "address", "applied", "joined", "converted", "category",
)
OTHER_FIELD = "other"
_CLEAR_ID = re.compile(r"\d{17}[\dXx]")
_CLEAR_PHONE = re.compile(r"1[3-9]\d{9}")


def correction_field_choices() -> list[tuple[str, str]]:
    return [(name, field_label(name)) for name in CORRECTABLE_FIELDS] + [(OTHER_FIELD, "其他（请在理由中说明）")]


def correction_label(field_name: str) -> str:
    return field_label(field_name) if field_name in CORRECTABLE_FIELDS else "其他"


def correction_create(*, actor, member: Member, field_name: str, requested_value: str, reason: str = ""):
    """A member asks for a correction of their own archive (and only their own)."""
    if get_scope(actor).member_id != member.pk:
        raise NotFound
    requested_value, reason = (requested_value or "").strip(), (reason or "").strip()
    if field_name not in CORRECTABLE_FIELDS and field_name != OTHER_FIELD:
        raise ValidationError({"field_name": "该项不能通过更正申请修改；身份证号、联系电话请携带证件到党支部办理"})
    if not requested_value:
        raise ValidationError({"requested_value": "请填写应更正为的内容"})
    if len(requested_value) > 200:
        raise ValidationError({"requested_value": "应更正为的内容不能超过200个字"})
    if len(reason) > 300:
        raise ValidationError({"reason": "理由不能超过300个字"})
    for name, text in (("requested_value", requested_value), ("reason", reason)):
        if _CLEAR_ID.search(text) or _CLEAR_PHONE.search(text):
            raise ValidationError({name: "请不要在申请中填写身份证号或手机号；这两项请携带证件到党支部办理"})
    with transaction.atomic():
        request = CorrectionRequest.objects.create(member=member, field_name=field_name,
                                                   requested_value=requested_value, reason=reason)
        record_event(member=member, kind="correction_request",
                     summary=f"申请更正{correction_label(field_name)}为“{requested_value}”", actor=actor)
        audit.record("member.correction_request", obj=request, changes={"field": field_name})
    return request


def _pending(actor, request: CorrectionRequest) -> CorrectionRequest:
    request = (CorrectionRequest.objects.select_for_update().select_related("member__org")
               .get(pk=request.pk))
    _require(actor, request.member.org, "member.change")
    if request.status != CorrectionRequest.Status.PENDING:
        raise ValidationError({"status": f"该申请已处理（{request.get_status_display()}），不能重复处理"})
    return request


def correction_approve(*, actor, request: CorrectionRequest, note: str = "") -> CorrectionRequest:
    """Approve: an archive field is changed through member_update in the same transaction;
    anything else ("other") is marked approved with the note, for the secretary to act on."""
    note = (note or "").strip()[:300]
    with transaction.atomic():
        request = _pending(actor, request)
        if request.field_name in CORRECTABLE_FIELDS:
            member_update(actor=actor, member=request.member, changes={request.field_name: request.requested_value})
        elif not note:
            raise ValidationError({"note": "该申请不能自动更正，请填写处理意见（如何处理）"})
        _decide(actor, request, CorrectionRequest.Status.APPROVED, note)
    return request


def correction_decline(*, actor, request: CorrectionRequest, note: str) -> CorrectionRequest:
    note = (note or "").strip()[:300]
    with transaction.atomic():
        request = _pending(actor, request)
        if not note:
            raise ValidationError({"note": "不采纳时请填写理由"})
        _decide(actor, request, CorrectionRequest.Status.DECLINED, note)
    return request


def _decide(actor, request: CorrectionRequest, status: str, note: str) -> None:
    request.status, request.decided_by, request.decided_at = status, actor, timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated"])
    outcome = "已采纳" if status == CorrectionRequest.Status.APPROVED else "未采纳"
    summary = f"更正{correction_label(request.field_name)}的申请{outcome}" + (f"：{note}" if note else "")
    record_event(member=request.member, kind=f"correction_{status}", summary=summary, actor=actor)
    # Told: the member who asked (through their account, where they have one).
    notify(recipients=[request.member.user_id], kind=Kind.CORRECTION_DECIDED, title=summary[:200],
           link=reverse("members:detail", args=[request.member_id]))
    audit.record(f"member.correction_{status}", obj=request, changes={"field": request.field_name, "status": status})
