"""Reads of the backup records: the system administrator's page and the readiness check."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from ops.models import Backup


def recent_backups(limit: int = 10) -> QuerySet[Backup]:
    return Backup.objects.order_by("-started")[:limit]


def last_good_backup() -> Backup | None:
    return Backup.objects.filter(status=Backup.Status.OK).order_by("-finished").first()


def backup_state(now: datetime | None = None) -> str:
    """"ok" (the last good backup is younger than settings.BACKUP_MAX_AGE_HOURS), "stale", or
    "none" (no good backup yet)."""
    last = last_good_backup()
    if last is None:
        return "none"
    limit = timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    return "ok" if (now or timezone.now()) - last.finished <= limit else "stale"


def system_panel() -> dict:
    """What the system administrator's page shows of the backups (core.registry)."""
    return {"backups": list(recent_backups()), "state": backup_state(), "last": last_good_backup(),
            "max_age_hours": settings.BACKUP_MAX_AGE_HOURS, "directory": settings.BACKUP_DIR,
            "keep_daily": settings.BACKUP_KEEP_DAILY, "keep_monthly": settings.BACKUP_KEEP_MONTHLY}


def jobs_panel() -> dict:
    """What the system administrator's page shows of the scheduled jobs (core.registry)."""
    from ops import scheduler
    from ops.models import JobRun

    jobs = scheduler.jobs_state()
    return {"jobs": jobs, "given_up": [item for item in jobs if item["given_up"]],
            "ever": JobRun.objects.exists(), "max_attempts": scheduler.MAX_ATTEMPTS,
            "retry_minutes": int(scheduler.RETRY_AFTER.total_seconds() // 60)}
