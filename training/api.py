"""/api/v1/training: group studies (list, record with who attended, read, delete a record made in
error), training classes (list, open, read with sessions and enrolments, enrol, record a session,
close), the counts of an org's subtree per child from the summary rows, and rotation coverage.
Read with learning.view, write with learning.change on the org; out of scope is 404, as on the
pages; refusals answer 422 with the Chinese reason."""

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.access import get_scope, require_perm
from core.api import (
    REFUSED,
    Id,
    Message,
    Pagination,
    PathId,
    filtered,
    filters_in,
    model_in,
    model_out,
)
from core.errors import NotFound
from orgs.selectors import children, org_param
from training import rules, selectors, services
from training.filters import ClassFilterSet, GroupStudyFilterSet
from training.models import GroupStudy, Target, TrainingClass, TrainingSession

router = Router(tags=["集中学习与培训"])

HOURS = {"hours": {"ge": rules.MIN_HOURS, "le": rules.MAX_HOURS}}


class Attendees(Schema):
    attendee_ids: list[Id] = Field(..., min_length=1, max_length=rules.MAX_ATTENDEES,
                                   description="出席党员（本组织在册党员或本组织班子成员）")


class Present(Schema):
    present_ids: list[Id] = Field(..., min_length=1, max_length=rules.MAX_ATTENDEES, description="出席学员（本班学员）")


class OrgName(Schema):
    org_name: str

    @staticmethod
    def resolve_org_name(obj):
        return obj["org_name"] if isinstance(obj, dict) else obj.org.name


class GroupStudyComputed(OrgName):
    attendees: int

    @staticmethod
    def resolve_attendees(obj):
        return obj.attendances.count()


GroupStudyIn = model_in("GroupStudyIn", GroupStudy, ["org_id", "kind", "held_on", "topic", "materials", "hours"],
                        base=Attendees, extra=HOURS)
GroupStudyOut = model_out("GroupStudyOut", GroupStudy, ["id", "org_id", "kind", "held_on", "topic", "materials",
                                                        "hours"], base=GroupStudyComputed)
GroupStudyFilters = filters_in("GroupStudyFilters", GroupStudyFilterSet)
ClassIn = model_in("ClassIn", TrainingClass, ["org_id", "title", "target", "cycle_start", "cycle_end", "starts",
                                              "ends", "place"],
                   extra={"cycle_start": {"ge": 2000, "le": 2100}, "cycle_end": {"ge": 2000, "le": 2100}})
ClassOut = model_out("ClassOut", TrainingClass, ["id", "org_id", "title", "target", "cycle_start", "cycle_end", "starts",
                                                 "ends", "place", "closed_on"], base=OrgName)
ClassFilters = filters_in("ClassFilters", ClassFilterSet)


SessionIn = model_in("TrainingSessionIn", TrainingSession, ["held_on", "topic", "hours"], base=Present, extra=HOURS)


class TrainingSessionOut(Schema):
    id: int
    held_on: date
    topic: str
    hours: Decimal


class EnrolmentOut(Schema):
    member_id: int
    name: str
    org_name: str
    attended: Decimal = Field(..., description="出席学时")
    completed: bool
    certificate_no: str


class ClassDetailOut(ClassOut):
    total_hours: Decimal
    sessions: list[TrainingSessionOut]
    enrolments: list[EnrolmentOut]


class EnrolIn(Schema):
    member_ids: list[Id] = Field(..., min_length=1, max_length=rules.MAX_ENROL)


class CloseOut(Schema):
    completed: int
    not_completed: int


class CountsOut(Schema):
    org_id: int
    org_name: str
    group_studies: int
    group_attendances: int
    enrolments: int = Field(..., description="培训人次")
    completions: int
    session_attendances: int


class RotationCoverageOut(Schema):
    org_id: int
    org_name: str
    people: int = Field(..., description="培训对象人数")
    trained: int = Field(..., description="本周期已轮训（结业）人数")
    untrained: int


class ToTrainOut(Schema):
    member_id: int
    name: str
    org_name: str


class RotationOut(Schema):
    target: Target
    cycle_start: int
    cycle_end: int
    total: RotationCoverageOut
    children: list[RotationCoverageOut]
    to_train: list[ToTrainOut] = Field(..., description=f"尚未轮训的党员（按组织，最多{selectors.MAX_TO_TRAIN}名）")
    untrained: int


def _org(request, value, perm: str):
    org = org_param(request.user, value, perm)
    if org is None:
        raise NotFound
    return org


def _study(request, study_id: int) -> GroupStudy:
    return get_object_or_404(selectors.group_studies(request.user), pk=study_id)


def _class(request, class_id: int, change: bool = False) -> TrainingClass:
    klass = get_object_or_404(selectors.classes(request.user), pk=class_id)
    if change and not get_scope(request.user).covers(klass.org.path, "learning.change"):
        raise NotFound
    return klass


@router.get("/group-studies", response=list[GroupStudyOut])
@paginate(Pagination)
def training_group_study_list(request, filters: Query[GroupStudyFilters]):
    """本人管理范围内的集中学习记录，新的在前。"""
    require_perm(request.user, "learning.view")
    return filtered(GroupStudyFilterSet, request, selectors.group_studies(request.user).order_by("-held_on", "-pk"),
                    filters)


@router.post("/group-studies", response={201: GroupStudyOut, **REFUSED})
def training_group_study_create(request, payload: GroupStudyIn):
    """记录一次集中学习；学时计入每位出席党员的年度学时。"""
    org = _org(request, str(payload.org_id), "learning.change")
    data = payload.dict(exclude={"org_id", "attendee_ids"})
    return Status(201, services.group_study_record(actor=request.user, org=org, attendees=payload.attendee_ids, **data))


@router.get("/group-studies/{int:study_id}", response={200: GroupStudyOut, 404: Message})
def training_group_study_detail(request, study_id: PathId):
    return _study(request, study_id)


@router.delete("/group-studies/{int:study_id}", response={204: None, **REFUSED})
def training_group_study_delete(request, study_id: PathId):
    """删除误录的集中学习记录；出席党员的相应学时一并撤销。"""
    services.group_study_delete(actor=request.user, study=_study(request, study_id))
    return Status(204, None)


@router.get("/classes", response=list[ClassOut])
@paginate(Pagination)
def training_class_list(request, filters: Query[ClassFilters]):
    """本人管理范围内的培训班，新的在前。"""
    require_perm(request.user, "learning.view")
    return filtered(ClassFilterSet, request, selectors.classes(request.user).order_by("-starts", "-pk"), filters)


@router.post("/classes", response={201: ClassOut, **REFUSED})
def training_class_create(request, payload: ClassIn):
    """举办培训班（市、区、街道等为所辖培训对象）。"""
    org = _org(request, str(payload.org_id), "learning.change")
    return Status(201, services.class_create(actor=request.user, org=org, **payload.dict(exclude={"org_id"})))


def _detail(klass: TrainingClass) -> dict:
    rows = selectors.enrolment_rows(klass)
    return {**{name: getattr(klass, name) for name in ClassOut.model_fields if name != "org_name"},
            "org_name": klass.org.name, "total_hours": selectors.class_hours(klass),
            "sessions": list(klass.sessions.all()),
            "enrolments": [{"member_id": r.enrolment.member_id, "name": r.enrolment.member.name,
                            "org_name": r.enrolment.org.name, "attended": r.attended,
                            "completed": r.enrolment.completed, "certificate_no": r.enrolment.certificate_no}
                           for r in rows]}


@router.get("/classes/{int:class_id}", response={200: ClassDetailOut, 404: Message})
def training_class_detail(request, class_id: PathId):
    """培训班：课次、学员及其出席学时和结业情况。"""
    return _detail(_class(request, class_id))


@router.post("/classes/{int:class_id}/enrolments", response={201: ClassDetailOut, **REFUSED})
def training_enrol(request, class_id: PathId, payload: EnrolIn):
    """为主办组织及下级的在册党员报名（全部成功或全部不报）。"""
    klass = _class(request, class_id, change=True)
    services.enrol(actor=request.user, klass=klass, members=payload.member_ids)
    return Status(201, _detail(klass))


@router.post("/classes/{int:class_id}/sessions", response={201: TrainingSessionOut, **REFUSED})
def training_session_create(request, class_id: PathId, payload: SessionIn):
    """记录一次课；学时计入出席学员的年度学时。"""
    klass = _class(request, class_id, change=True)
    data = payload.dict(exclude={"present_ids"})
    return Status(201, services.session_record(actor=request.user, klass=klass, present=payload.present_ids, **data))


@router.post("/classes/{int:class_id}/close", response={200: CloseOut, **REFUSED})
def training_class_close(request, class_id: PathId):
    """结业：出席学时达到总学时80%的学员结业，获得证书编号。"""
    completed, not_completed = services.class_close(actor=request.user, klass=_class(request, class_id, change=True))
    return {"completed": completed, "not_completed": not_completed}


@router.get("/counts", response={200: list[CountsOut], 404: Message})
def training_counts(request, org: str = Query(..., max_length=20, description="党组织ID或代码"),
                    year: int | None = Query(None, ge=2000, le=2100)):
    """党组织（第一行）及各下级组织本年度的集中学习次数、参加人次、培训人次和结业人次（来自汇总表）。"""
    root = _org(request, org, "learning.view")
    start, end = selectors.year_range(year or timezone.localdate().year)
    rows = [(root, selectors.counts(root, start, end)),
            *selectors.children_counts(root, children(root, request.user), start, end)]
    return [{"org_id": o.pk, "org_name": o.name, **c} for o, c in rows]


@router.get("/rotation", response={200: RotationOut, 404: Message})
def training_rotation(request, org: str = Query(..., max_length=20, description="党组织ID或代码"),
                      target: Target = Query(Target.SECRETARIES),  # noqa: B008 (ninja's way of a query default)
                      cycle_start: int | None = Query(None, ge=2000, le=2100),
                      cycle_end: int | None = Query(None, ge=2000, le=2100)):
    """轮训覆盖：培训对象在轮训周期内已结业和尚未轮训的人数（本组织及各下级组织），和待轮训名单。"""
    root = _org(request, org, "learning.view")
    year = timezone.localdate().year
    cycle_start, cycle_end = cycle_start or year, cycle_end or cycle_start or year
    if cycle_end < cycle_start:
        cycle_end = cycle_start
    total, rows, names, untrained = selectors.rotation(root, children(root, request.user), target, cycle_start,
                                                       cycle_end)

    def coverage(c):
        return {"org_id": c.org.pk, "org_name": c.org.name, "people": c.people, "trained": c.trained,
                "untrained": c.untrained}

    return {"target": target, "cycle_start": cycle_start, "cycle_end": cycle_end, "total": coverage(total),
            "children": [coverage(c) for c in rows], "untrained": untrained,
            "to_train": [{"member_id": m.pk, "name": m.name, "org_name": m.org.name} for m in names]}
