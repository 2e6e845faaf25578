"""Health for a load balancer and metrics for Prometheus. None needs a login; none says anything
about the data, the software or its versions: /healthz and /readyz answer fixed words, /metrics
answers only the addresses in settings.METRICS_ALLOWED (anyone else gets the platform's 404)."""

import ipaddress
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView
from django_tasks_db.models import DBTaskResult

from core.middleware import client_ip, trusted_networks
from core.views import not_generic
from ops import metrics, selectors

logger = logging.getLogger("dangjian.health")


def _answer(payload: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status)


@not_generic("the load balancer's liveness probe: no login, no object, a fixed answer")
@require_safe
def healthz(request):
    """The process is up and answers: nothing is looked at."""
    return _answer({"status": "ok"})


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _tasks() -> bool:
    # The task queue lives in the database (django-tasks-db): its table must answer.
    DBTaskResult.objects.exists()
    return True


def _disk() -> bool:
    """Free space where the database (SQLite), the uploads and the backups are written."""
    places = {Path(settings.FILES_ROOT), Path(settings.BACKUP_DIR)}
    if connection.vendor == "sqlite":
        places.add(Path(settings.DATABASES["default"]["NAME"]).parent)
    minimum = settings.READY_MIN_FREE_MB * 2**20
    for place in places:
        while not place.exists() and place != place.parent:
            place = place.parent
        if shutil.disk_usage(place).free < minimum:
            return False
    return True


CHECKS = {"database": _database, "tasks": _tasks, "disk": _disk}


@not_generic("the load balancer's readiness probe: no login, no object, fixed words per check")
@require_safe
def readyz(request):
    """Ready to serve: the database and the task queue answer, and the disk has room. The last
    backup's age is reported ("ok", "stale", "none") but does not take the server out of the
    balancer: a late backup is the administrator's alarm, not a reason to refuse every user."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = "ok" if check() else "fail"
        except Exception:  # whatever failed, the answer names no detail; the log has it
            logger.exception("readiness check %s failed", name)
            checks[name] = "fail"
    try:
        checks["backup"] = selectors.backup_state()
    except Exception:
        logger.exception("readiness check backup failed")
        checks["backup"] = "fail"
    ready = all(checks[name] == "ok" for name in CHECKS)
    return _answer({"status": "ready" if ready else "unready", "checks": checks},
                   status=200 if ready else 503)


@not_generic("Prometheus's scrape: no login, answered only to settings.METRICS_ALLOWED")
@require_safe
def metrics_view(request):
    networks = trusted_networks(tuple(settings.METRICS_ALLOWED))
    address = client_ip(request)
    try:
        allowed = any(ipaddress.ip_address(address) in network for network in networks)
    except ValueError:
        allowed = False
    if not allowed:
        raise Http404
    metrics.refresh()
    return ExportToDjangoView(request)

