"""Request context (who, from where, which request), the security headers on every response, and
JSON error answers under the API."""

import functools
import ipaddress
import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig
from django.core.handlers.exception import response_for_exception
from django.http import Http404, JsonResponse

from core import context
from core.errors import NotFound

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")
request_log = logging.getLogger("dangjian.request")
# The load balancer's probes, every few seconds: logged at DEBUG, not in the INFO stream.
PROBE_PATHS = ("/healthz", "/readyz", "/metrics")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets inline styles; its page gets them, nothing else does.
CSP_API_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@functools.lru_cache(maxsize=4)
def trusted_networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DANGJIAN_TRUSTED_PROXIES: {exc}") from exc


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: the connecting address, or, when that is a trusted proxy
    (settings.TRUSTED_PROXIES), the rightmost X-Forwarded-For hop that is not one. Each proxy
    appends the address it was connected from; everything left of that is what the client wrote."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))

    def trusted(address) -> bool:
        return address is not None and any(address in network for network in networks)

    client = remote
    if trusted(_address(remote)):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            address = _address(hop)
            if address is None:
                break  # not an address where our proxy writes one: keep the last hop we trust
            client = str(address)
            if not trusted(address):
                break
    return client[:45]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        trusted_networks(tuple(settings.TRUSTED_PROXIES))  # a bad setting stops the start, not each request

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        request.request_id = request_id
        ip = client_ip(request)
        token = context.set_current(context.RequestContext(ip=ip, request_id=request_id, channel=channel))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # Inside the context: the line's own "[request id]" prefix is this request's.
            log_request(request, response, ip, time.monotonic() - started)
        finally:
            context.reset(token)
        return response


def log_request(request, response, ip: str, seconds: float) -> None:
    """One structured line per request: ``request {"id", "method", "path", "status", "ms",
    "user", "ip"}`` (logger ``dangjian.request``). The path without its query string, which may
    carry a searched name; the user by id, never by name."""
    level = logging.DEBUG if request.path in PROBE_PATHS else logging.INFO
    if not request_log.isEnabledFor(level):
        return
    user = getattr(request, "user", None)
    line = {"id": request.request_id, "method": request.method, "path": request.path[:300],
            "status": response.status_code, "ms": round(seconds * 1000, 1),
            "user": user.pk if user is not None and user.is_authenticated else None, "ip": ip}
    request_log.log(level, "request %s", json.dumps(line, ensure_ascii=False, sort_keys=True))


class RequestIdLogFilter:
    """Puts the request id on every log record (``%(request_id)s``), so the line of an exception
    can be found from the id the user reads on the error page; "-" outside a request."""

    def filter(self, record) -> bool:
        # Django logs a 4xx answer after the middleware has left (the record carries the request);
        # everything else logged during a request, a command or a task finds the current context.
        request_id = getattr(getattr(record, "request", None), "request_id", None)
        active = context.active()
        record.request_id = request_id or (active.request_id if active is not None else "-")
        return True


API_PREFIX = "/api/"
API_ERROR_DETAILS = {
    400: "请求有误，请检查请求格式",
    401: "未登录或令牌已失效",
    403: "无权执行此操作",
    404: "未找到，或不在您的管理范围内",
    405: "不支持该请求方法",
}


class ApiErrorMiddleware:
    """Every answer under /api/ is JSON ({"detail": ...}), also the errors that arise outside the
    API's own exception handlers (dangjian.api): the URL resolver's 404 (a non-integer id), ninja's
    405, Django's 400 for an oversized body and the 500 of an exception. One place, by path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith(API_PREFIX) and response.status_code >= 400
                and not response.get("Content-Type", "").startswith("application/json")):
            answer = self.answer(request, response.status_code, response.get("Allow"))
            if response.has_header("Retry-After"):
                answer["Retry-After"] = response["Retry-After"]
            return answer
        return response

    def process_exception(self, request, exception):
        # Django would answer a generic 400 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE; say why.
        if request.path.startswith(API_PREFIX) and isinstance(exception, RequestDataTooBig):
            return self.answer(request, 413)
        return None

    @staticmethod
    def answer(request, status: int, allow: str | None = None) -> JsonResponse:
        request_id = getattr(request, "request_id", "")
        if status == 503:
            body = {"detail": "数据库暂时无法访问，请稍后再试", "request_id": request_id}
        elif status >= 500:
            body = {"detail": f"服务器处理请求时出错，已记录；联系技术支持时请提供请求编号 {request_id}",
                    "request_id": request_id}
        elif status == 413:
            body = {"detail": f"请求体超过 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20} MB 上限"}
        else:
            body = {"detail": API_ERROR_DETAILS.get(status, "请求有误")}
        response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        if allow:
            response["Allow"] = allow
        return response


class SecurityHeadersMiddleware:
    """CSP, Permissions-Policy and no-store on everything that is not a static file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        csp = CSP_API_DOCS if request.path.startswith("/api/v1/docs") else CSP
        response.setdefault("Content-Security-Policy", csp)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Pages and API answers may carry personal data: never cache them.
        response["Cache-Control"] = "no-store"
        return response


class DeniedWriteAuditMiddleware:
    """A state-changing request refused as out of scope (404) or forbidden (403) is audited once,
    so that attempts on other orgs' data leave a trace (reliability.md S2)."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in self.SAFE_METHODS and response.status_code in (403, 404):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                # The logging config loads this module (its request-id filter) before the models.
                from core import audit
                from core.models import AuditEntry

                audit.record("denied", user=user, object_type="request",
                             object_repr=f"{request.method} {request.path}"[:200],
                             changes={"status": response.status_code},
                             result=AuditEntry.Result.DENIED)
        return response


class NotFoundMiddleware:
    """A service's ``core.errors.NotFound`` (out of scope) is the page's 404, the same page as any
    other; the API answers it in its own handler (dangjian.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404())
        return None
