"""The REST API, /api/v1/: bearer-token auth, the same scoping (visible_to) as the pages."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from accounts import services as account_services
from core import context
from members import services as member_services
from members.filters import MemberFilterSet
from members.models import (
    Appraisal,
    FamilyMember,
    Hardship,
    Member,
    MemberDocument,
    MemberEvent,
    PositionHeld,
    RewardPunishment,
    TravelAbroad,
)
from orgs.filters import OrgFilterSet
from orgs.models import Org


class Pagination(LimitOffsetPagination):
    """Every list's paging: page size capped (reliability.md L3), offset bounded.

    django-ninja's LimitOffsetPagination caps ``limit`` only through NINJA_PAGINATION_MAX_LIMIT
    (not the NINJA_PAGINATION_MAX_PER_PAGE_SIZE the settings define) and leaves ``offset``
    unbounded: any limit served a city-wide list in one answer, and an offset beyond 64 bits
    reached the database and came back as a server error."""

    MAX_PAGE_SIZE = getattr(settings, "NINJA_PAGINATION_MAX_PER_PAGE_SIZE", 200)

    class Input(Schema):
        limit: int = Field(getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50), ge=1,
                           description="每页条数（超过上限按上限返回）")
        offset: int = Field(0, ge=0, le=2**62)

    def __init__(self, **kwargs):
        super().__init__(max_limit=self.MAX_PAGE_SIZE, **kwargs)


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        user = account_services.token_user(token[:200])
        if user is not None:
            request.user = user
            context.current().user = user
        return user


api = NinjaAPI(
    title="基层党建数字化平台 API",
    version="1.0.0",
    urls_namespace="api",
    auth=BearerAuth(),
    description="所有接口（除获取令牌外）需要 `Authorization: Bearer <token>`；数据范围与网页一致，越权访问返回 404。",
)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"detail": "请求参数有误", "errors": exc.errors}, status=422)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "未找到，或不在您的管理范围内"}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌已失效"}, status=401)


HTTP_ERROR_MESSAGES = {400: "请求体无法解析，请发送 JSON", 405: "不支持该请求方法", 429: "请求过于频繁，请稍后再试"}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    message = HTTP_ERROR_MESSAGES.get(exc.status_code, "请求有误")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(DjangoValidationError)
def on_invalid(request, exc):
    """A service refused the input: 422 with its Chinese messages, field by field."""
    errors = ([{"loc": ["body", field], "msg": "；".join(messages)} for field, messages in exc.message_dict.items()]
              if hasattr(exc, "error_dict") else [{"loc": ["body"], "msg": "；".join(exc.messages)}])
    return api.create_response(request, {"detail": "；".join(exc.messages), "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


# --- auth ----------------------------------------------------------------------------------------

class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=256)
    otp: str | None = Field(None, max_length=10, description="已启用动态口令的账号须提供6位验证码")


class TokenOut(Schema):
    token: str


class Message(Schema):
    detail: str


auth_router = Router(tags=["认证"])


@auth_router.post("/token", auth=None, response={200: TokenOut, 401: Message, 403: Message})
def token_create(request, payload: TokenIn):
    """用户名和密码换取令牌（30 分钟无操作失效，最长 12 小时）。"""
    result = account_services.login_attempt(request, username=payload.username, password=payload.password)
    if result.user is None:
        return Status(401, {"detail": result.error})
    if result.needs_totp:
        if not payload.otp:
            return Status(401, {"detail": "该账号已启用动态口令，请同时提供 otp（6位验证码）"})
        error = account_services.login_totp(request, user=result.user, code=payload.otp)
        if error:
            return Status(401, {"detail": error})
    return Status(200, {"token": account_services.token_issue(user=result.user)})


@auth_router.post("/logout", response={200: Message})
def token_delete(request):
    """使当前令牌失效。"""
    raw = request.headers.get("Authorization", "").partition(" ")[2]
    account_services.token_revoke(raw=raw)
    return Status(200, {"detail": "已退出"})


# --- orgs ----------------------------------------------------------------------------------------

class OrgOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    kind_display: str = Field(..., alias="get_kind_display")
    sector: str
    level: str
    unit_name: str
    founded: date
    depth: int
    numchild: int


class OrgFilters(Schema):
    q: str | None = Field(None, max_length=50, description="名称包含或代码等于")
    within: str | None = Field(None, max_length=32, description="在该组织（ID或代码）的子树之内")
    kind: str | None = Field(None, max_length=20)
    sector: str | None = Field(None, max_length=20)
    level: str | None = Field(None, max_length=12)


def _filtered(filterset_class, request, queryset, filters: Schema):
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise NinjaValidationError([{"loc": ["query", k], "msg": "；".join(v)} for k, v in filterset.errors.items()])
    qs = filterset.qs
    if filterset.form.errors:
        raise NinjaValidationError([{"loc": ["query", k], "msg": "；".join(v)} for k, v in filterset.form.errors.items()])
    return qs


orgs_router = Router(tags=["党组织"])


@orgs_router.get("", response=list[OrgOut])
@paginate(Pagination)
def org_list(request, filters: Query[OrgFilters]):
    """可见党组织列表，可按子树、类别、领域、层级筛选。"""
    return _filtered(OrgFilterSet, request, Org.objects.visible_to(request.user), filters)


@orgs_router.get("/{int:org_id}", response=OrgOut)
def org_detail(request, org_id: int):
    return get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)


@orgs_router.get("/{int:org_id}/children", response=list[OrgOut])
@paginate(Pagination)
def org_children(request, org_id: int):
    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    return Org.objects.visible_to(request.user).subtree(org).filter(depth=org.depth + 1)


# --- members -------------------------------------------------------------------------------------
#
# ID number and phone appear only masked (id_number_masked, phone_masked); there is no API to
# unmask them. Writes go through members.services, whose ValidationErrors answer 422 in Chinese.

class MemberOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    id_number: str = Field(..., alias="id_number_masked", description="脱敏的身份证号")
    status: str
    category: str
    joined: date
    org_id: int


class PositionOut(Schema):
    id: int
    title: str
    unit: str
    started: date
    ended: date | None


class RewardOut(Schema):
    id: int
    kind: str
    name: str
    decided: date
    issuer: str
    note: str


class FamilyOut(Schema):
    id: int
    relation: str
    name: str
    unit_post: str
    political_status: str


class TravelOut(Schema):
    id: int
    destination: str
    purpose: str
    departed: date
    returned: date | None


class HardshipOut(Schema):
    id: int
    kind: str
    description: str
    since: date
    resolved: date | None


class AppraisalOut(Schema):
    id: int
    year: int
    result: str


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    file_name: str
    content_type: str
    size: int
    created: datetime


class EventOut(Schema):
    id: int
    occurred: date
    kind: str
    summary: str = Field(..., description="记实内容（身份证号、联系电话均为脱敏值）")
    actor: str | None = Field(None, description="记录人")

    @staticmethod
    def resolve_actor(obj):
        return (obj.actor.full_name or obj.actor.username) if obj.actor else None


class RecordsOut(Schema):
    positions: list[PositionOut]
    rewards: list[RewardOut]
    family: list[FamilyOut]
    travels: list[TravelOut]
    hardships: list[HardshipOut]
    appraisals: list[AppraisalOut]
    documents: list[DocumentOut]
    events: list[EventOut] = Field(..., description="记实（最近200条）")


def _records(user, member: Member) -> dict:
    def scoped(model):
        return list(model.objects.visible_to(user).filter(member=member))

    return {
        "positions": scoped(PositionHeld), "rewards": scoped(RewardPunishment), "family": scoped(FamilyMember),
        "travels": scoped(TravelAbroad), "hardships": scoped(Hardship), "appraisals": scoped(Appraisal),
        "documents": scoped(MemberDocument),
        "events": list(MemberEvent.objects.visible_to(user).filter(member=member).select_related("actor")[:200]),
    }


class MemberDetailOut(MemberOut):
    former_name: str
    ethnicity: str
    native_place: str
    education: str
    degree: str
    occupation: str
    title: str
    work_unit: str
    work_post: str
    phone: str = Field(..., alias="phone_masked", description="脱敏的联系电话")
    address: str
    applied: date | None
    converted: date | None
    standing_years: int | None = Field(None, description="党龄（自转正之日起）")
    group_id: int | None
    records: RecordsOut

    @staticmethod
    def resolve_standing_years(obj):
        return obj.standing_years()


class MemberFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名包含（身份证号请用 POST /members/lookup）")
    within: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=14)
    category: str | None = Field(None, max_length=12)
    gender: str | None = Field(None, max_length=6)


class MemberArchiveIn(Schema):
    """Archive fields; in a PATCH only those sent are changed."""

    former_name: str | None = Field(None, max_length=50)
    ethnicity: str | None = Field(None, max_length=20)
    native_place: str | None = Field(None, max_length=50)
    education: str | None = Field(None, max_length=14)
    degree: str | None = Field(None, max_length=20)
    occupation: str | None = Field(None, max_length=50)
    title: str | None = Field(None, max_length=50)
    work_unit: str | None = Field(None, max_length=100)
    work_post: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=30, description="联系电话（以密文保存，返回时脱敏）")
    address: str | None = Field(None, max_length=200)
    applied: date | None = None
    converted: date | None = None
    category: str | None = Field(None, max_length=12)
    group_id: int | None = Field(None, ge=1, le=2**62)


class MemberCreateIn(MemberArchiveIn):
    org_id: int = Field(..., ge=1, le=2**62)
    name: str = Field(..., max_length=50)
    id_number: str = Field(..., max_length=30, description="身份证号（以密文保存，返回时脱敏）")
    status: str = Field(..., max_length=14)
    joined: date


class MemberPatchIn(MemberArchiveIn):
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=30)
    status: str | None = Field(None, max_length=14)
    joined: date | None = None


def _archive_changes(payload: Schema, *, exclude=()) -> dict:
    data = payload.dict(exclude_unset=True)
    for key in exclude:
        data.pop(key, None)
    if "group_id" in data:
        data["group"] = data.pop("group_id")
    return data


def _member_detail(request, member_id: int) -> Member:
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("org"), pk=member_id)
    member.records = _records(request.user, member)
    return member


members_router = Router(tags=["党员"])


@members_router.get("", response=list[MemberOut])
@paginate(Pagination)
def member_list(request, filters: Query[MemberFilters]):
    qs = Member.objects.visible_to(request.user).order_by("org__path", "name", "pk")
    return _filtered(MemberFilterSet, request, qs, filters)


@members_router.post("", response={201: MemberDetailOut, 404: Message, 422: Message})
def member_create(request, payload: MemberCreateIn):
    """新建党员档案：性别、出生日期由身份证号确定；党组织不在管理范围内时返回 404。"""
    org = get_object_or_404(Org.objects.visible_to(request.user, "view"), pk=payload.org_id)
    archive = _archive_changes(payload, exclude=("org_id", "name", "id_number", "status", "joined"))
    member = member_services.member_register(
        actor=request.user, org=org, name=payload.name, id_number=payload.id_number, status=payload.status,
        joined=payload.joined, archive=archive,
    )
    return Status(201, _member_detail(request, member.pk))


class LookupIn(Schema):
    id_number: str = Field(..., max_length=30, description="完整身份证号（放在请求体中，不出现在网址里）")


@members_router.post("/lookup", response={200: MemberOut, 404: Message, 422: Message})
def member_lookup(request, payload: LookupIn):
    """按身份证号精确查找（盲索引），范围与列表相同；每次查找记入审计。"""
    try:
        member = member_services.member_lookup(actor=request.user, id_number=payload.id_number)
    except DjangoValidationError as exc:
        return Status(422, {"detail": "；".join(exc.messages)})
    if member is None:
        return Status(404, {"detail": "未找到，或不在您的管理范围内"})
    return Status(200, member)


@members_router.get("/{int:member_id}", response=MemberDetailOut)
def member_detail(request, member_id: int):
    """党员档案（含各项记录和记实），身份证号、联系电话脱敏。"""
    return _member_detail(request, member_id)


@members_router.patch("/{int:member_id}", response={200: MemberDetailOut, 404: Message, 422: Message})
def member_update(request, member_id: int, payload: MemberPatchIn):
    """修改档案中提交的项目；无修改权限或不在管理范围内时返回 404。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    member_services.member_update(actor=request.user, member=member, changes=_archive_changes(payload))
    return Status(200, _member_detail(request, member_id))


@members_router.get("/{int:member_id}/records", response=RecordsOut)
def member_records(request, member_id: int):
    """档案中的各项记录：任职、奖惩、家庭成员、出国出境、困难、评议、材料和记实。"""
    member = get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)
    return _records(request.user, member)


api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)

from transfers.api import router as transfers_router  # noqa: E402  (it reuses Pagination above)

api.add_router("/transfers", transfers_router)

from members.import_api import router as imports_router  # noqa: E402  (it reuses Pagination above)

api.add_router("/imports", imports_router)

from orglife.api import router as orglife_router  # noqa: E402  (it reuses Pagination above)

api.add_router("/orglife", orglife_router)
