"""Scheduled jobs (issue 15.2): one scheduler process (`dangjian scheduler`, started by `make run`
beside the task worker; a systemd unit in docs/deployment.md) runs each job of ``JOBS`` at its set
time. A job is a management command: what runs on schedule is exactly what an administrator types.

Each job's times are a daily "HH:MM" or "every N" minutes from midnight (Asia/Shanghai), set by
``settings.SCHEDULE`` (an empty time switches a job off). A tick finds, for each job, its latest
slot (the scheduled time at or before now); a slot with no run yet runs — so a scheduler that was
down runs the missed slot once when it comes back, not every slot it missed. Each run is a
``JobRun`` row (slot, attempt, start, end, result, output), inserted before the job runs: the row
is the claim, unique per job, slot and attempt, so schedulers on several servers run a slot once.
A failed run is retried ``RETRY_AFTER`` later, up to ``MAX_ATTEMPTS``; the last failure is
reported (logged at ERROR, mailed to settings.ADMINS where mail is configured — nothing leaves
the intranet otherwise) and shown on the system administrator's page. A run left "running" by a
process that died is marked failed after ``STALE_AFTER`` and retried like any failure.

The jobs run in the scheduler's own process, one after the other; the clock is a parameter of
``tick`` so the tests run the schedule on a fake clock."""

import io
import logging
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mail_admins
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from ops.models import JobRun

logger = logging.getLogger("dangjian.scheduler")

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)
STALE_AFTER = timedelta(hours=6)
OUTPUT_LIMIT = 4000  # characters of a run's output kept


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    command: tuple[str, ...]
    default: str  # "HH:MM" daily, or "every N" (minutes from midnight)

    @property
    def at(self) -> str:
        return settings.SCHEDULE.get(self.name, self.default)

    def last_slot(self, now: datetime) -> datetime | None:
        """The latest scheduled time at or before ``now``, or None where the job is off."""
        return last_slot(self.at, now)

    def describe(self) -> str:
        return describe(self.at)


JOBS = (
    Job("backup", "数据备份", ("backup",), "02:30"),
    Job("transfers_expire", "介绍信过期处理", ("transfers", "expire"), "00:15"),
    Job("audit_checkpoint", "审计链检查点", ("audit", "checkpoint"), "every 60"),
    Job("audit_verify", "审计链校验", ("audit", "verify"), "04:00"),
    Job("audit_purge", "审计记录保存期限清理", ("audit", "purge"), "03:30"),
    Job("summaries_check", "汇总表核对", ("summaries", "--check"), "04:30"),
    Job("reminders", "到期提醒", ("notifications", "remind"), "08:00"),
    Job("orders_purge", "群众点单个人信息清理", ("orders", "purge"), "03:45"),
    Job("oversight_escalate", "超期整改提级督办", ("oversight", "escalate"), "00:30"),
)
BY_NAME = {job.name: job for job in JOBS}


def _parse(at: str) -> tuple[str, int, int] | None:
    """("daily", hour, minute), ("every", minutes, 0), or None (off). ValueError on nonsense."""
    at = (at or "").strip()
    if not at:
        return None
    if at.startswith("every "):
        minutes = int(at.split()[1])
        if not 1 <= minutes <= 24 * 60:
            raise ValueError(at)
        return ("every", minutes, 0)
    hour, minute = (int(part) for part in at.split(":"))
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(at)
    return ("daily", hour, minute)


def last_slot(at: str, now: datetime) -> datetime | None:
    parsed = _parse(at)
    if parsed is None:
        return None
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    kind, a, b = parsed
    if kind == "every":
        minutes = (local - midnight) // timedelta(minutes=1)
        return midnight + timedelta(minutes=minutes // a * a)
    slot = local.replace(hour=a, minute=b, second=0, microsecond=0)
    return slot if slot <= local else slot - timedelta(days=1)


def describe(at: str) -> str:
    parsed = _parse(at)
    if parsed is None:
        return "已停用"
    kind, a, b = parsed
    return f"每 {a} 分钟" if kind == "every" else f"每天 {a:02d}:{b:02d}"


def check_settings() -> list[str]:
    """The jobs whose time in settings.SCHEDULE cannot be read (the command refuses to start)."""
    bad = [name for name in settings.SCHEDULE if name not in BY_NAME]
    for job in JOBS:
        try:
            _parse(job.at)
        except (ValueError, IndexError):
            bad.append(job.name)
    return bad


def _next_attempt(job: Job, slot: datetime, now: datetime) -> int | None:
    """The attempt to run now for this slot, or None."""
    last = JobRun.objects.filter(job=job.name, slot=slot).order_by("-attempt").first()
    if last is None:
        return 1
    if last.status == JobRun.Status.RUNNING and now - last.started > STALE_AFTER:
        JobRun.objects.filter(pk=last.pk, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.FAILED, finished=now, output="运行中断（进程退出或被终止），未记录结果")
        return last.attempt + 1 if last.attempt < MAX_ATTEMPTS else None  # retried at once
    if last.status != JobRun.Status.FAILED or last.attempt >= MAX_ATTEMPTS:
        return None
    return last.attempt + 1 if now >= (last.finished or last.started) + RETRY_AFTER else None


def run(job: Job, slot: datetime, attempt: int, now: datetime) -> JobRun | None:
    """Claim the slot's attempt and run the job; None where another scheduler claimed it."""
    try:
        with transaction.atomic():
            record = JobRun.objects.create(job=job.name, slot=slot, attempt=attempt, started=now)
    except IntegrityError:
        return None
    out = io.StringIO()
    began = time.monotonic()
    try:
        call_command(*job.command, stdout=out, stderr=out)
        record.status = JobRun.Status.OK
    except Exception as error:  # any failure is the run's result, recorded and retried
        record.status = JobRun.Status.FAILED
        out.write(f"\n{type(error).__name__}: {error}\n")
        logger.warning("scheduled job %s failed (attempt %s)\n%s", job.name, attempt, traceback.format_exc())
    record.finished = now + timedelta(seconds=time.monotonic() - began)
    record.output = out.getvalue().strip()[-OUTPUT_LIMIT:]
    record.save(update_fields=["status", "finished", "output"])
    if record.status == JobRun.Status.FAILED and attempt >= MAX_ATTEMPTS:
        _report(job, record)
    return record


def _report(job: Job, record: JobRun) -> None:
    subject = f"定时任务“{job.label}”连续 {record.attempt} 次失败"
    logger.error("%s（计划时间 %s）：%s", subject, f"{timezone.localtime(record.slot):%Y-%m-%d %H:%M}",
                 record.output[-500:])
    mail_admins(subject, f"计划时间 {timezone.localtime(record.slot):%Y-%m-%d %H:%M}\n\n{record.output}",
                fail_silently=True)


def tick(now: datetime | None = None) -> list[JobRun]:
    """Run every job that is due at ``now``; the runs made."""
    now = now or timezone.now()
    made = []
    for job in JOBS:
        slot = job.last_slot(now)
        if slot is None:
            continue
        attempt = _next_attempt(job, slot, now)
        if attempt is not None:
            record = run(job, slot, attempt, now)
            if record is not None:
                made.append(record)
    return made


def jobs_state(now: datetime | None = None) -> list[dict]:
    """Each job with its time, its last run and whether its last slot failed for good."""
    now = now or timezone.now()
    state = []
    for job in JOBS:
        last = JobRun.objects.filter(job=job.name).order_by("-slot", "-attempt").first()
        state.append({"job": job, "schedule": job.describe(), "last": last,
                      "failed": last is not None and last.status == JobRun.Status.FAILED,
                      "given_up": last is not None and last.status == JobRun.Status.FAILED
                      and last.attempt >= MAX_ATTEMPTS})
    return state
