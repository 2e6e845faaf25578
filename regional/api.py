"""/api/v1/regional: building committees — coverage of an org's subtree (from the summary rows),
one building with its units, and the writes (a unit, an instructor, an org served without changing
its affiliation). Scoped as the pages: out of scope is 404; refusals answer 422 in Chinese."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from core.api import REFUSED, Id, Message, PathId
from members.models import Member
from orgs.models import Org
from regional import cobuilding, selectors, services, villages
from regional.models import Building, BuildingUnit, CoBuildItem, ListKind, UnitKind, Village

router = Router(tags=["区域化党建"])


class CoverageOut(Schema):
    org_id: int
    org_name: str
    units: int = Field(..., description="楼宇单位数（企业、社会组织）")
    org_covered: int = Field(..., description="组织覆盖单位数：有本单位党组织或纳入联合党支部")
    work_covered: int = Field(..., description="工作覆盖单位数：组织覆盖、派驻党建指导员或楼宇党委工作覆盖")
    members: int
    instructors: int
    served_orgs: int = Field(..., description="服务不转隶的党组织数")
    served_members: int


def _coverage(figures) -> dict:
    return {"org_id": figures.org.pk, "org_name": figures.org.name,
            **{name: getattr(figures, name) for name in ("units", "org_covered", "work_covered", "members",
                                                           "instructors", "served_orgs", "served_members")}}


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    members: int
    party_org_id: int | None
    joint_branch_id: int | None
    reached: bool
    instructors: list[str]

    @staticmethod
    def resolve_instructors(obj):
        return [i.member.name for i in obj.instructors.all()]


class BuildingOut(Schema):
    id: int
    name: str
    committee_id: int
    address: str
    coverage: CoverageOut
    units: list[UnitOut]


class UnitIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: UnitKind
    members: int = Field(0, ge=0, le=100000)
    party_org_id: Id | None = None
    joint_branch_id: Id | None = None
    reached: bool = False


class InstructorIn(Schema):
    member_id: Id


class ServeIn(Schema):
    org_id: Id


def _building(request, building_id: int, action: str = "view") -> Building:
    return get_object_or_404(Building.objects.visible_to(request.user, action).select_related("committee"),
                             pk=building_id)


def _org(request, org_id: int | None) -> Org | None:
    return None if org_id is None else get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)


@router.get("/orgs/{int:org_id}/coverage", response={200: list[CoverageOut], 404: Message})
def regional_coverage(request, org_id: PathId):
    """本组织（第一行）及各下级党组织的楼宇党建覆盖（来自汇总表）。"""
    org = get_object_or_404(Org.objects.granting(request.user, "regional.view"), pk=org_id)
    return [_coverage(selectors.coverage(org))] + [_coverage(row) for row in selectors.coverage_by_child(org)]


@router.get("/buildings/{int:building_id}", response={200: BuildingOut, 404: Message})
def regional_building(request, building_id: PathId):
    """一座楼宇：覆盖情况与楼宇单位。"""
    building = _building(request, building_id)
    units = list(building.units.prefetch_related("instructors__member"))
    return {"id": building.pk, "name": building.name, "committee_id": building.committee_id,
            "address": building.address, "coverage": _coverage(selectors.coverage(building.committee)), "units": units}


@router.post("/buildings/{int:building_id}/units", response={201: UnitOut, **REFUSED})
def regional_unit_add(request, building_id: PathId, payload: UnitIn):
    """登记楼宇单位（可以没有党员、没有党组织）。"""
    unit = services.unit_add(actor=request.user, building=_building(request, building_id, "change"),
                             name=payload.name, kind=payload.kind, members=payload.members,
                             party_org=_org(request, payload.party_org_id),
                             joint_branch=_org(request, payload.joint_branch_id), reached=payload.reached)
    return Status(201, unit)


@router.post("/units/{int:unit_id}/instructors", response={201: Message, **REFUSED})
def regional_instructor_assign(request, unit_id: PathId, payload: InstructorIn):
    """向没有党员的楼宇单位派驻党建指导员。"""
    unit = get_object_or_404(BuildingUnit.objects.visible_to(request.user, "change")
                             .select_related("building__committee"), pk=unit_id)
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=payload.member_id)
    instructor = services.instructor_assign(actor=request.user, unit=unit, member=member)
    return Status(201, {"detail": f"已派驻党建指导员{instructor.member.name}"})


@router.post("/buildings/{int:building_id}/served", response={201: Message, **REFUSED})
def regional_org_serve(request, building_id: PathId, payload: ServeIn):
    """服务不转隶：楼宇党委服务一个隶属关系在别处的党组织，隶属关系不变。"""
    served = services.org_serve(actor=request.user, building=_building(request, building_id, "change"),
                                org=_org(request, payload.org_id))
    return Status(201, {"detail": f"已将{served.org.name}纳入服务（隶属关系不变）"})


# --- difficult villages ------------------------------------------------------------------------------


class VillageCountsOut(Schema):
    org_id: int
    year: int
    villages: int = Field(..., description="困难村数（含下级）")
    paired: int = Field(..., description="已结对帮扶村数")
    grades: dict[str, int] = Field(..., description="该年度各考核等次的村数")


class VillageOut(Schema):
    id: int
    org_id: int
    org_name: str
    difficulty: str
    first_secretary: str | None
    goals: str
    pairings: list[str]
    tasks: list[dict]
    grades: list[dict] = Field(..., description="历年考核：year, grade")


class ReportIn(Schema):
    text: str = Field(..., min_length=1, max_length=2000)
    task_id: Id | None = None
    done: bool = False


class AssessIn(Schema):
    year: int = Field(..., ge=2000, le=2999)
    grade: str = Field(..., min_length=1, max_length=20)


def _village(request, village_id: int, action: str = "view") -> Village:
    return get_object_or_404(Village.objects.visible_to(request.user, action).select_related("org", "first_secretary"),
                             pk=village_id)


@router.get("/orgs/{int:org_id}/villages", response={200: VillageCountsOut, 404: Message})
def regional_village_counts(request, org_id: PathId, year: int = Query(..., ge=2000, le=2999)):
    """本组织及下级的困难村、已结对村和某年度各等次村数（来自汇总表）。"""
    org = get_object_or_404(Org.objects.granting(request.user, "regional.view"), pk=org_id)
    return {"org_id": org.pk, "year": year, **villages.counts(org, year)}


@router.get("/villages/{int:village_id}", response={200: VillageOut, 404: Message})
def regional_village(request, village_id: PathId):
    """一个困难村：帮扶单位、第一书记、一村一策任务、历年考核。"""
    village = _village(request, village_id)
    return {"id": village.pk, "org_id": village.org_id, "org_name": village.org.name,
            "difficulty": village.difficulty, "goals": village.goals,
            "first_secretary": village.first_secretary.name if village.first_secretary else None,
            "pairings": [p.unit_org.name for p in village.pairings.select_related("unit_org")],
            "tasks": [{"id": t.pk, "title": t.title, "owner": t.owner, "deadline": t.deadline.isoformat(),
                       "done_on": t.done_on.isoformat() if t.done_on else None} for t in village.tasks.all()],
            "grades": [{"year": a.year, "grade": a.grade} for a in village.assessments.all()]}


@router.post("/villages/{int:village_id}/reports", response={201: Message, **REFUSED})
def regional_report_add(request, village_id: PathId, payload: ReportIn):
    """报告帮扶进展（佐证材料请在页面上传）；done 表示对应任务已完成。"""
    village = _village(request, village_id, "change")
    task = get_object_or_404(village.tasks, pk=payload.task_id) if payload.task_id else None
    villages.report_add(actor=request.user, village=village, text=payload.text, task=task, done=payload.done)
    return Status(201, {"detail": "已报告帮扶进展"})


@router.post("/villages/{int:village_id}/assessments", response={201: Message, **REFUSED})
def regional_assess(request, village_id: PathId, payload: AssessIn):
    """年度考核定等（由困难村的上级党组织进行；同一年度再次考核为更正）。"""
    result = villages.assess(actor=request.user, village=_village(request, village_id), year=payload.year,
                             grade=payload.grade)
    return Status(201, {"detail": f"已记录{result.year}年度考核：{result.grade}"})


# --- expanded committees and co-building ----------------------------------------------------------------


class CoBuildingOut(Schema):
    org_id: int
    seats: int = Field(..., description="兼职委员（含下级）")
    meetings: int = Field(..., description="联席会议")
    needs: int
    resources: int
    projects: int
    projects_done: int


class SeatIn(Schema):
    partner_unit: str = Field(..., min_length=1, max_length=100)
    member_id: Id
    post: str = Field("兼职委员", max_length=50)


class JointMeetingIn(Schema):
    held_on: date
    topic: str = Field(..., min_length=1, max_length=200)
    units: int = Field(..., ge=0, le=1000, description="参会共建单位数")


class ItemIn(Schema):
    kind: ListKind
    title: str = Field(..., min_length=1, max_length=200)
    partner_unit: str = Field("", max_length=100)


class CreatedOut(Schema):
    id: int
    detail: str


def _cobuilding_org(request, org_id: int, perm: str = "regional.change") -> Org:
    return get_object_or_404(Org.objects.granting(request.user, perm), pk=org_id)


@router.get("/orgs/{int:org_id}/cobuilding", response={200: CoBuildingOut, 404: Message})
def regional_cobuilding(request, org_id: PathId):
    """本组织及下级的兼职委员、联席会议、三张清单和已完成项目数（来自汇总表）。"""
    org = _cobuilding_org(request, org_id, "regional.view")
    return {"org_id": org.pk, **cobuilding.counts(org)}


@router.post("/orgs/{int:org_id}/cobuilding/seats", response={201: CreatedOut, **REFUSED})
def regional_seat_add(request, org_id: PathId, payload: SeatIn):
    """大工委、大党委增补兼职委员（共建单位负责人）。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=payload.member_id)
    seat = cobuilding.seat_add(actor=request.user, org=_cobuilding_org(request, org_id), partner_unit=payload.partner_unit,
                               member=member, post=payload.post)
    return Status(201, {"id": seat.pk, "detail": f"已增补兼职委员{member.name}"})


@router.post("/orgs/{int:org_id}/cobuilding/meetings", response={201: CreatedOut, **REFUSED})
def regional_meeting_record(request, org_id: PathId, payload: JointMeetingIn):
    """记录联席会议。"""
    meeting = cobuilding.meeting_record(actor=request.user, org=_cobuilding_org(request, org_id),
                                        held_on=payload.held_on, topic=payload.topic, units=payload.units)
    return Status(201, {"id": meeting.pk, "detail": "已记录联席会议"})


@router.post("/orgs/{int:org_id}/cobuilding/items", response={201: CreatedOut, **REFUSED})
def regional_item_add(request, org_id: PathId, payload: ItemIn):
    """登记需求清单、资源清单或项目清单的一项。"""
    item = cobuilding.item_add(actor=request.user, org=_cobuilding_org(request, org_id), kind=payload.kind,
                               title=payload.title, partner_unit=payload.partner_unit)
    return Status(201, {"id": item.pk, "detail": f"已登记“{item.title}”"})


@router.post("/cobuilding/items/{int:item_id}/complete", response={200: Message, **REFUSED})
def regional_project_complete(request, item_id: PathId):
    """共建项目办结。"""
    item = get_object_or_404(CoBuildItem.objects.visible_to(request.user, "change"), pk=item_id)
    cobuilding.project_complete(actor=request.user, item=item)
    return Status(200, {"detail": f"项目“{item.title}”已办结"})
