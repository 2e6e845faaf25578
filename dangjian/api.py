"""The REST API, /api/v1/: bearer-token auth, the Chinese error answers, the token endpoints, and
the routers of the apps (``<app>/api.py``), which share ``core.api``. Every router reads through the
same scoping (visible_to) as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import Field, NinjaAPI, Router, Schema, Status, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from accounts import services as account_services
from care.api import router as care_router
from community.api import router as community_router
from core import context
from core.access import get_scope
from core.api import Message, TextParser, invalid, refusal
from core.errors import NotFound
from dues.api import router as dues_router
from exams.api import router as exams_router
from fivegood.api import router as fivegood_router
from insights.api import router as insights_router
from lagging.api import router as lagging_router
from learning.api import router as learning_router
from members.api import router as members_router
from members.import_api import router as imports_router
from notifications.api import router as notifications_router
from orders.api import router as orders_router
from orglife.api import router as orglife_router
from orgs.api import router as orgs_router
from oversight.api import router as oversight_router
from pledges.api import router as pledges_router
from points.api import router as points_router
from portal.api import router as portal_router
from recruitment.api import router as recruitment_router
from regional.api import router as regional_router
from reviews.api import router as reviews_router
from soe.api import router as soe_router
from training.api import router as training_router
from transfers.api import router as transfers_router


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        user = account_services.token_user(token[:200])
        if user is not None:
            request.user = user
            context.current().user = user
            if get_scope(user).is_admin():
                # 三员分立 as on the pages (accounts.middleware.ADMIN_AREAS): no business operation
                # for the administrators, whatever token they hold (none is issued to them now).
                raise PermissionDenied("三员分立：系统、安全、审计管理员不能通过接口办理业务")
        return user


class PlatformAPI(NinjaAPI):
    # The org and member operations were defined in this module before they moved to their apps;
    # their OpenAPI operation ids (the method names of generated clients) stay as they were.
    MOVED = {"orgs.api": "dangjian.api", "members.api": "dangjian.api"}

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        return f"{self.MOVED.get(module, module)}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, **kwargs):
        """The document, with the answers an operation gives besides those it declares (the
        handlers below give them to every operation): every answer documented."""
        schema = super().get_openapi_schema(**kwargs)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                # ninja keys the declared answers by int, openapi_extra's by str: one key each.
                operation["responses"] = {str(code): answer for code, answer in operation["responses"].items()}
                for code, description, model in standard_answers(operation, takes_ids="{" in path):
                    operation["responses"].setdefault(code, {"description": description, "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}})
        return schema


def standard_answers(operation: dict, *, takes_ids: bool) -> list[tuple[str, str, str]]:
    """What the handlers below and core.middleware.ApiErrorMiddleware answer for any operation:
    401 and 403 where a token is needed; 404 where an id names a row, and wherever a token is
    needed (a user who holds the operation's permission nowhere finds nothing: core.access
    .require_perm); 400 and 413 for a body that cannot be read; 422 for bad input."""
    answers = []
    if operation.get("security"):
        answers += [("401", "未登录或令牌已失效", "Message"),
                    ("403", "无权执行此操作（三员不能通过接口办理业务）", "Message")]
    if takes_ids or operation.get("security"):
        answers.append(("404", "未找到，或不在您的管理范围内", "Message"))
    if operation.get("requestBody"):
        answers += [("400", "请求体无法解析（不是 JSON 或表单）", "Message"),
                    ("413", "请求体超过大小上限", "Message")]
    if operation.get("parameters") or operation.get("requestBody"):
        answers.append(("422", "请求参数有误：errors 逐项说明", "Invalid"))
    return answers


class PlatformDocs(Swagger):
    """Swagger UI, served locally, on a page that links back to the platform."""

    template = "core/api_docs.html"


api = PlatformAPI(
    title="基层党建数字化平台 API",
    docs=PlatformDocs(),
    version="1.0.0",
    urls_namespace="api",
    auth=BearerAuth(),
    parser=TextParser(),
    description="所有接口（除获取令牌外）需要 `Authorization: Bearer <token>`；数据范围与网页一致，越权访问返回 404。",
)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, invalid(exc.errors), status=422)


@api.exception_handler(Http404)
@api.exception_handler(NotFound)  # a service's out-of-scope refusal (core.errors)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "未找到，或不在您的管理范围内"}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌已失效"}, status=401)


HTTP_ERROR_MESSAGES = {400: "请求体无法解析，请发送 JSON", 405: "不支持该请求方法", 429: "请求过于频繁，请稍后再试"}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc.__cause__, DjangoValidationError):  # the parser refused text (core.api.TextParser)
        return on_invalid(request, exc.__cause__)
    message = HTTP_ERROR_MESSAGES.get(exc.status_code, "请求有误")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(DjangoValidationError)
def on_invalid(request, exc):
    """A service refused the input: 422 with its Chinese messages, field by field."""
    return api.create_response(request, refusal(exc), status=422)


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


api.add_router("/auth", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
api.add_router("/transfers", transfers_router)
api.add_router("/care", care_router)
api.add_router("/dues", dues_router)
api.add_router("/regional", regional_router)
api.add_router("/imports", imports_router)
api.add_router("/recruitment", recruitment_router)
api.add_router("/news", portal_router)
api.add_router("/orglife", orglife_router)
api.add_router("/learning", learning_router)
api.add_router("/exams", exams_router)
api.add_router("/training", training_router)
api.add_router("/pledges", pledges_router)
api.add_router("/community", community_router)
api.add_router("/orders", orders_router)
api.add_router("/oversight", oversight_router)
api.add_router("/lagging", lagging_router)
api.add_router("/fivegood", fivegood_router)
api.add_router("/soe", soe_router)
api.add_router("/reviews", reviews_router)
api.add_router("/points", points_router)
api.add_router("/insights", insights_router)
api.add_router("/notifications", notifications_router)
