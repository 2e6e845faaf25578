"""/api/v1/learning: the study library a user may see, opening an item and its heartbeats (the
member's own study), the member's class hours, and a branch's progress for those who manage
learning (learning.view). Out of scope is 404, as on the pages; refusals of a form answer 422.
A refused heartbeat answers 200 with ``accepted: false`` and the reason: the page keeps going."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Path, Query, Router, Schema, Status, UploadedFile

from core.access import get_scope, require_perm
from core.api import REFUSED, Invalid, Message, PathId, model_in
from core.errors import NotFound
from learning import rules, selectors, services
from learning.models import Channel, Course, OfflineHours, StudyItem
from members.models import Member
from orgs.models import Org
from orgs.selectors import org_param

router = Router(tags=["学习培训"])


class CourseOut(Schema):
    id: int
    title: str
    channel_id: int | None
    channel: str = Field(..., description="栏目（含上级栏目，以 › 分隔）")
    summary: str
    org_name: str
    required_for: str
    year: int | None
    published: bool

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_channel(obj):
        return " › ".join(node.name for node in obj.channel.lineage()) if obj.channel else ""


class StudyChannelOut(Schema):
    id: int
    name: str
    parent_id: int | None
    org_id: int
    depth: int


class StudyChannelIn(Schema):
    org_id: int = Field(..., ge=1, le=2**62)
    name: str = Field(..., min_length=1, max_length=30)
    parent_id: int | None = Field(None, ge=1, le=2**62)


CourseIn = model_in("CourseIn", Course, ["title", "summary", "required_for", "year"],
                    extra={"year": {"ge": 2000, "le": 2100}})


class CourseCreateIn(CourseIn):  # type: ignore[misc, valid-type]
    org_id: int = Field(..., ge=1, le=2**62)
    channel_id: int | None = Field(None, ge=1, le=2**62)


class CoursePublishIn(Schema):
    published: bool


StudyItemIn = model_in("StudyItemIn", StudyItem, ["kind", "title", "seconds", "body", "position"],
                  extra={"seconds": {"ge": 1, "le": 24 * 3600}, "position": {"ge": 0, "le": 999},
                         "body": {"max_length": 100_000}})


class ItemOut(Schema):
    id: int
    course_id: int
    kind: str
    title: str
    seconds: int = Field(..., description="时长（秒）")


class SessionOut(Schema):
    token: str
    position: float = Field(..., description="上次学到的位置（秒）")
    interval: int = Field(..., description="心跳间隔（秒）")


class BeatIn(Schema):
    seq: int = Field(..., ge=1, le=10**9)
    elapsed: float = Field(..., ge=0, le=3600, description="自上次心跳以来页面可见且在学习的秒数")
    visible: bool
    focused: bool
    playing: bool = True
    rate: float = Field(1.0, ge=0, le=16)
    position: float = Field(0, ge=0, le=10**7)


class BeatOut(Schema):
    accepted: bool
    credited: int
    reason: str
    message: str


class HoursOut(Schema):
    year: int
    online: Decimal
    lectures: Decimal
    group: Decimal = Field(..., description="集中学习学时")
    training: Decimal = Field(..., description="培训班学时")
    offline: Decimal
    total: Decimal
    required: int
    behind: bool


class ProgressOut(HoursOut):
    member_id: int
    name: str


def _hours(hours, year: int) -> dict:
    return {"year": year, "online": hours.online, "lectures": hours.lectures, "group": hours.group,
            "training": hours.training, "offline": hours.offline,
            "total": hours.total, "required": hours.required, "behind": hours.behind}


def _item(request, item_id: int) -> StudyItem:
    return get_object_or_404(StudyItem.objects.visible_to(request.user, "view"), pk=item_id)


@router.get("/courses", response={200: list[CourseOut], 404: Message})
def learning_course_list(request, year: int | None = Query(None, ge=2000, le=2100)):
    """可学习的课程（本组织及上级党组织发布的）；填年度时只列该年度的必学课程。"""
    if not (get_scope(request.user).member_id or get_scope(request.user).holds("learning.view")):
        raise NotFound
    courses = selectors.courses_for(request.user)
    if year:
        courses = courses.filter(year=year).exclude(required_for="")
    return list(courses[:200])


@router.get("/channels", response={200: list[StudyChannelOut], 404: Message})
def learning_channel_list(request):
    """学习栏目（本组织及上级党组织设立的；管理者还有其管理范围内的）。"""
    if not (get_scope(request.user).member_id or get_scope(request.user).holds("learning.view")):
        raise NotFound
    return selectors.channel_tree(request.user)


def _channel(request, channel_id: int | None) -> Channel | None:
    if channel_id is None:
        return None
    return get_object_or_404(selectors.channels_for(request.user), pk=channel_id)


def _publishing_org(request, org_id: int) -> Org:
    org = org_param(request.user, str(org_id), "learning.change")
    if org is None:
        raise NotFound
    return org


@router.post("/channels", response={201: StudyChannelOut, **REFUSED})
def learning_channel_create(request, payload: StudyChannelIn):
    """新建学习栏目（可挂在本组织或上级组织的栏目下，最多三级）。"""
    org = _publishing_org(request, payload.org_id)
    return Status(201, services.channel_create(actor=request.user, org=org, name=payload.name,
                                               parent=_channel(request, payload.parent_id)))


@router.post("/courses", response={201: CourseOut, **REFUSED})
def learning_course_create(request, payload: CourseCreateIn):
    """新建课程（草稿；添加学习内容后发布）。"""
    org = _publishing_org(request, payload.org_id)
    data = payload.dict(exclude={"org_id", "channel_id"})
    return Status(201, services.course_create(actor=request.user, org=org, channel=_channel(request, payload.channel_id),
                                              published=False, **data))


def _managed_course(request, course_id: int) -> Course:
    course = get_object_or_404(Course.objects.visible_to(request.user, "view").select_related("org"), pk=course_id)
    if not get_scope(request.user).covers(course.org.path, "learning.change"):
        raise NotFound
    return course


@router.post("/courses/{int:course_id}/publish", response={200: CourseOut, **REFUSED})
def learning_course_publish(request, course_id: PathId, payload: CoursePublishIn):
    """发布或撤回课程。"""
    return services.course_publish(actor=request.user, course=_managed_course(request, course_id),
                                   published=payload.published)


@router.post("/courses/{int:course_id}/items", response={201: ItemOut, **REFUSED})
def learning_item_add(request, course_id: PathId, fields: Form[StudyItemIn], file: File[UploadedFile] | None = None):
    """添加学习内容（multipart：kind、title、seconds、body、position，视频、音频、PDF 另传 file，按内容检查）。"""
    course = _managed_course(request, course_id)
    return Status(201, services.item_add(actor=request.user, course=course, upload=file, **fields.dict()))


@router.get("/courses/{int:course_id}/items", response={200: list[ItemOut], 404: Message})
def learning_item_list(request, course_id: PathId):
    """课程的学习内容。"""
    items = StudyItem.objects.visible_to(request.user, "view").filter(course_id=course_id)
    if not items.exists():
        raise NotFound
    return list(items)


@router.post("/items/{int:item_id}/sessions", response={201: SessionOut, 404: Message})
def learning_session_open(request, item_id: PathId):
    """打开学习内容：开始一个学习会话（同一党员的其他窗口和设备的会话随之关闭）。"""
    session = services.session_open(actor=request.user, item=_item(request, item_id))
    return Status(201, {"token": session.token, "position": session.position, "interval": rules.BEAT_INTERVAL})


@router.post("/sessions/{token}/beats", response={200: BeatOut, 404: Message, 422: Invalid})
def learning_heartbeat(request, payload: BeatIn, token: str = Path(..., max_length=64)):
    """学习心跳：服务器按规则计时；被拒绝的心跳不计时并记为可疑。"""
    result = services.heartbeat(actor=request.user, token=token[:64], beat=services.Beat(**payload.dict()))
    return {"accepted": result.accepted, "credited": result.credited, "reason": result.reason,
            "message": result.message}


@router.post("/sessions/{token}/close", response={204: None, 404: Message})
def learning_session_close(request, token: str = Path(..., max_length=64)):
    """离开学习页面：会话关闭。"""
    services.session_close(actor=request.user, token=token[:64])
    return Status(204, None)


@router.get("/me/hours", response={200: HoursOut, 404: Message})
def learning_my_hours(request, year: int | None = Query(None, ge=2000, le=2100)):
    """本人本年度学时（在线学习、党课、集中学习、培训、线下）与应修学时。"""
    member_id = get_scope(request.user).member_id
    if not member_id:
        raise NotFound
    year = year or timezone.localdate().year
    member = Member.objects.select_related("org").get(pk=member_id)
    return _hours(selectors.member_hours(member, year), year)


@router.get("/orgs/{int:org_id}/progress", response={200: list[ProgressOut], 404: Message})
def learning_org_progress(request, org_id: PathId, year: int | None = Query(None, ge=2000, le=2100)):
    """党组织本级党员的学时进度，未达标的在前。"""
    require_perm(request.user, "learning.view")
    org = get_object_or_404(Org.objects.visible_to(request.user, "view"), pk=org_id)
    if not get_scope(request.user).covers(org.path, "learning.view"):
        raise NotFound
    year = year or timezone.localdate().year
    return [{"member_id": m.pk, "name": m.name, **_hours(h, year)} for m, h in selectors.org_progress(org, year)]


OfflineIn = model_in("OfflineIn", OfflineHours, ["member_id", "day", "hours", "subject", "evidence"],
                     extra={"hours": {"gt": 0, "le": 40}})


@router.post("/offline-hours", response={201: Message, **REFUSED})
def learning_offline_hours_create(request, payload: OfflineIn):
    """录入党员的线下学时（须附证明材料）。"""
    require_perm(request.user, "learning.change")
    member = get_object_or_404(Member.objects.visible_to(request.user, "view").select_related("org"),
                               pk=payload.member_id)
    services.offline_hours_record(actor=request.user, member=member, **payload.dict(exclude={"member_id"}))
    return Status(201, {"detail": "已录入"})
