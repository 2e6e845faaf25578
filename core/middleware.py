"""Request context (who, from where, which request) and the security headers on every response."""

import functools
import ipaddress
import re
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core import context

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")

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
