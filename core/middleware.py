"""Request context (who, from where, which request) and the security headers on every response."""

import re
import uuid

from django.conf import settings

from core import context

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets inline styles; its page gets them, nothing else does.
CSP_API_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def client_ip(request) -> str:
    """The client's address. Behind N trusted proxies, the Nth address from the right."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        request.request_id = request_id
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), request_id=request_id, channel=channel)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
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
                from core import audit
                from core.models import AuditEntry

                audit.record("denied", user=user, object_type="request",
                             object_repr=f"{request.method} {request.path}"[:200],
                             changes={"status": response.status_code},
                             result=AuditEntry.Result.DENIED)
        return response
