"""Group study and training workflows: recording a group study with who attended (and undoing a
record made in error), creating a class, enrolling members, recording a session with who attended,
closing a class (completion and certificates). One transaction each, an audit entry each, and the
summary row per org and month (``TrainingOrgMonth``) kept in the same transaction.

Who may: ``learning.change`` on the org that studies or runs the class. Who may be recorded: at a
group study, the org's own active members and its current team (``selectors.group_study_candidates``);
in a class, active members of the organising org's subtree; at a session, those enrolled."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, summaries
from core.access import get_scope
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org
from points import services as points_services
from training import rules, selectors
from training.models import (
    Enrolment,
    GroupStudy,
    GroupStudyAttendance,
    GroupStudyKind,
    Target,
    TrainingAttendance,
    TrainingClass,
    TrainingOrgMonth,
    TrainingSession,
)


def _require(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, "learning.change"):
        raise NotFound


def _month(day: date) -> date:
    return day.replace(day=1)


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": "学时须为数字"}) from exc
    if not rules.MIN_HOURS <= hours <= rules.MAX_HOURS:
        raise ValidationError({"hours": f"每次计{rules.MIN_HOURS}至{rules.MAX_HOURS}学时"})
    return hours


def _recent(day: date, field: str = "held_on") -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError({field: "日期不能晚于今天"})
    if day < today - timedelta(days=rules.BACKDATE_DAYS):
        raise ValidationError({field: "只能补录一年内的记录"})


def _text(value: str, field: str, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"请填写{label}"})
    return value


def _ids(members) -> list[int]:
    ids = [m if isinstance(m, int) else m.pk for m in members]
    if len(ids) != len(set(ids)):
        raise ValidationError({"attendees": "同一党员重复"})
    return ids


def _count_by_org(rows) -> Counter:
    return Counter(row.org_id for row in rows)


# --- group study -------------------------------------------------------------------------------

def _award(rows, activity: str, units: int) -> None:
    """Points (积分) for each attendance row (taken back, with ``units`` -1, when a study is undone)."""
    for row in rows:
        points_services.award(member_id=row.member_id, org_id=row.org_id, day=row.day, activity=activity, units=units)


def group_study_record(*, actor, org: Org, kind: str, held_on: date, topic: str, hours, attendees,
                       materials: str = "") -> GroupStudy:
    """Record a group study of ``org`` and credit its hours to each member present."""
    _require(actor, org)
    if kind not in GroupStudyKind.values:
        raise ValidationError({"kind": "类别不正确"})
    _recent(held_on)
    hours = _hours(hours)
    topic = _text(topic, "topic", "学习主题")
    materials = _text(materials, "materials", "学习材料", required=False)
    ids = _ids(attendees)
    if not ids:
        raise ValidationError({"attendees": "请勾选出席的党员"})
    if len(ids) > rules.MAX_ATTENDEES:
        raise ValidationError({"attendees": f"一次最多登记{rules.MAX_ATTENDEES}名党员"})
    with transaction.atomic():
        present = list(selectors.group_study_candidates(org).filter(pk__in=ids))
        if len(present) != len(ids):
            raise ValidationError({"attendees": "出席人员须为本组织在册党员或本组织班子成员"})
        study = GroupStudy.objects.create(org=org, kind=kind, held_on=held_on, topic=topic, materials=materials,
                                          hours=hours, recorded_by=actor)
        rows = GroupStudyAttendance.objects.bulk_create([
            GroupStudyAttendance(study=study, member=m, org_id=m.org_id, day=held_on, hours=hours) for m in present])
        month = _month(held_on)
        summaries.add(TrainingOrgMonth, {"org_id": org.pk, "month": month}, group_studies=1)
        for org_id, n in _count_by_org(rows).items():
            summaries.add(TrainingOrgMonth, {"org_id": org_id, "month": month}, group_attendances=n)
        _award(rows, "group_study", 1)
        audit.record("training.group_study_record", obj=study, user=actor,
                     changes={"after": {**study.audit_snapshot(), "attendees": len(rows)}})
    return study


def group_study_delete(*, actor, study: GroupStudy) -> None:
    """Undo a group study recorded in error: the record, its attendances and their counts go."""
    _require(actor, study.org)
    with transaction.atomic():
        study = GroupStudy.objects.select_for_update().get(pk=study.pk)
        rows = list(study.attendances.all())
        month = _month(study.held_on)
        summaries.add(TrainingOrgMonth, {"org_id": study.org_id, "month": month}, group_studies=-1)
        for org_id, n in _count_by_org(rows).items():
            summaries.add(TrainingOrgMonth, {"org_id": org_id, "month": month}, group_attendances=-n)
        _award(rows, "group_study", -1)
        audit.record("training.group_study_delete", obj=study, user=actor,
                     changes={"before": {**study.audit_snapshot(), "attendees": len(rows)}})
        study.delete()


# --- training classes --------------------------------------------------------------------------

def class_create(*, actor, org: Org, title: str, target: str, cycle_start: int, cycle_end: int, starts: date,
                 ends: date, place: str = "") -> TrainingClass:
    """Open a class run by ``org`` for a target group of its subtree, in a rotation cycle."""
    _require(actor, org)
    title = _text(title, "title", "培训班名称")
    if target not in Target.values:
        raise ValidationError({"target": "培训对象不正确"})
    for field, year in (("cycle_start", cycle_start), ("cycle_end", cycle_end)):
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise ValidationError({field: "轮训周期年份不正确"})
    if cycle_end < cycle_start or cycle_end - cycle_start > 4:
        raise ValidationError({"cycle_end": "轮训周期须为起始年起1至5年"})
    if ends < starts:
        raise ValidationError({"ends": "结业日期不能早于开班日期"})
    if not cycle_start <= starts.year <= cycle_end:
        raise ValidationError({"starts": "开班日期须在轮训周期内"})
    if (ends - starts).days > 366:
        raise ValidationError({"ends": "一期培训班不超过一年"})
    with transaction.atomic():
        klass = TrainingClass.objects.create(org=org, title=title, target=target, cycle_start=cycle_start,
                                             cycle_end=cycle_end, starts=starts, ends=ends,
                                             place=_text(place, "place", "培训地点", required=False), created_by=actor)
        audit.record("training.class_create", obj=klass, user=actor, changes={"after": klass.audit_snapshot()})
    return klass


def _open(klass: TrainingClass) -> TrainingClass:
    """The class locked for a change; refused once it is closed."""
    klass = TrainingClass.objects.select_for_update().select_related("org").get(pk=klass.pk)
    if klass.closed_on:
        raise ValidationError(f"培训班已于{klass.closed_on:%Y年%m月%d日}结业，不能再变更")
    return klass


def enrol(*, actor, klass: TrainingClass, members) -> list[Enrolment]:
    """Enrol members in a class: active members of the organising org's subtree, not yet enrolled.
    All or nothing: one member who may not be enrolled refuses the whole list, with the names."""
    _require(actor, klass.org)
    ids = _ids(members)
    if not ids:
        raise ValidationError({"members": "请选择要报名的党员"})
    if len(ids) > rules.MAX_ENROL:
        raise ValidationError({"members": f"一次最多报名{rules.MAX_ENROL}人"})
    today = timezone.localdate()
    with transaction.atomic():
        klass = _open(klass)
        found = {m.pk: m for m in Member.objects.filter(pk__in=ids, org__path__startswith=klass.org.path,
                                                         status__in=ACTIVE_STATUSES)}
        if len(found) != len(ids):
            raise ValidationError({"members": "只能为主办组织及下级的在册党员报名"})
        already = list(Enrolment.objects.filter(klass=klass, member_id__in=ids).values_list("member__name", flat=True))
        if already:
            raise ValidationError({"members": f"已报名：{'、'.join(sorted(already)[:10])}"})
        rows = Enrolment.objects.bulk_create([Enrolment(klass=klass, member=found[i], org_id=found[i].org_id,
                                                        enrolled_on=today) for i in ids])
        for org_id, n in _count_by_org(rows).items():
            summaries.add(TrainingOrgMonth, {"org_id": org_id, "month": _month(today)}, enrolments=n)
        audit.record("training.enrol", obj=klass, user=actor, changes={"after": {"enrolled": len(rows)}})
    return rows


def session_record(*, actor, klass: TrainingClass, held_on: date, topic: str, hours, present) -> TrainingSession:
    """Record a session of a class and credit its hours to the enrolled members present."""
    _require(actor, klass.org)
    _recent(held_on)
    if not klass.starts <= held_on <= klass.ends:
        raise ValidationError({"held_on": f"课次日期须在开班和结业日期之间（{klass.starts}至{klass.ends}）"})
    hours = _hours(hours)
    topic = _text(topic, "topic", "课程内容")
    ids = _ids(present)
    if not ids:
        raise ValidationError({"present": "请勾选出席的学员"})
    with transaction.atomic():
        klass = _open(klass)
        enrolments = {e.member_id: e for e in Enrolment.objects.filter(klass=klass, member_id__in=ids)}
        if len(enrolments) != len(ids):
            raise ValidationError({"present": "出席人员须为本班学员"})
        session = TrainingSession.objects.create(klass=klass, held_on=held_on, topic=topic, hours=hours)
        rows = TrainingAttendance.objects.bulk_create([
            TrainingAttendance(session=session, enrolment=e, member_id=e.member_id, org_id=e.org_id, day=held_on,
                               hours=hours) for e in enrolments.values()])
        for org_id, n in _count_by_org(rows).items():
            summaries.add(TrainingOrgMonth, {"org_id": org_id, "month": _month(held_on)}, session_attendances=n)
        _award(rows, "training", 1)
        audit.record("training.session_record", obj=session, user=actor,
                     changes={"after": {**session.audit_snapshot(), "present": len(rows)}})
    return session


def class_close(*, actor, klass: TrainingClass) -> tuple[int, int]:
    """Close a class (结业): each enrolled member who attended at least ``rules.COMPLETE_SHARE`` of
    its hours completes it and gets a certificate number; the rest do not. Once only. Returns
    (completed, not completed)."""
    _require(actor, klass.org)
    today = timezone.localdate()
    with transaction.atomic():
        klass = _open(klass)
        total = selectors.class_hours(klass)
        if not total:
            raise ValidationError("培训班还没有课次记录，不能结业")
        last = klass.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
        if last and last > today:
            raise ValidationError("最后一次课尚未结束，不能结业")
        done = [row.enrolment for row in selectors.enrolment_rows(klass) if rules.completes(row.attended, total)]
        for number, enrolment in enumerate(done, 1):
            enrolment.completed, enrolment.completed_on = True, today
            enrolment.certificate_no = f"{klass.starts.year}{klass.pk:05d}{number:04d}"
        Enrolment.objects.bulk_update(done, ["completed", "completed_on", "certificate_no"])
        for org_id, n in _count_by_org(done).items():
            summaries.add(TrainingOrgMonth, {"org_id": org_id, "month": _month(today)}, completions=n)
        klass.closed_on = today
        klass.save(update_fields=["closed_on"])
        enrolled = klass.enrolments.count()
        audit.record("training.class_close", obj=klass, user=actor,
                     changes={"after": {"completed": len(done), "not_completed": enrolled - len(done)}})
    return len(done), enrolled - len(done)
