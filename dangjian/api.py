"""The REST API, /api/v1/: bearer-token auth, the same scoping (visible_to) as the pages."""

from datetime import date

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
from members.models import Member
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

class MemberOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date
    id_number: str = Field(..., alias="id_number_masked", description="脱敏的身份证号")
    status: str
    joined: date
    org_id: int


class MemberFilters(Schema):
    q: str | None = Field(None, max_length=50, description="姓名包含（身份证号请用 POST /members/lookup）")
    within: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=14)
    gender: str | None = Field(None, max_length=6)


members_router = Router(tags=["党员"])


@members_router.get("", response=list[MemberOut])
@paginate(Pagination)
def member_list(request, filters: Query[MemberFilters]):
    qs = Member.objects.visible_to(request.user).order_by("org__path", "name", "pk")
    return _filtered(MemberFilterSet, request, qs, filters)


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


@members_router.get("/{int:member_id}", response=MemberOut)
def member_detail(request, member_id: int):
    return get_object_or_404(Member.objects.visible_to(request.user), pk=member_id)


api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
