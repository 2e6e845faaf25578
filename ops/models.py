"""What the backups did: one row per run of `dangjian backup`, read by the system administrator's
page and by /readyz (the age of the last good one)."""

from django.db import models


class Backup(models.Model):
    """One backup run: its file (in settings.BACKUP_DIR), size and figures, or why it failed.
    A plain model (no change log, no org scope): system state, shown only to the system
    administrator; written by ``ops.services`` alone, each run audited. A backup's own row is
    written after its snapshot, so it is not inside the backup it describes."""

    class Status(models.TextChoices):
        OK = "ok", "成功"
        FAILED = "failed", "失败"

    started = models.DateTimeField()
    finished = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.BigIntegerField(default=0)
    vendor = models.CharField(max_length=20)
    tables = models.PositiveIntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    pruned = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["status", "-finished"], name="ops_backup_last_ok")]

    def __str__(self) -> str:
        return self.file_name or f"备份 {self.started:%Y-%m-%d %H:%M}"


class JobRun(models.Model):
    """One run of a scheduled job (ops.scheduler): the slot it ran for (the scheduled time it
    was due), its attempt, when it started and ended, and what it printed or why it failed.
    The row is the slot's claim: (job, slot, attempt) is unique, so with a scheduler on each of
    several servers a slot still runs once — the first to insert runs it, the others skip it."""

    class Status(models.TextChoices):
        RUNNING = "running", "运行中"
        OK = "ok", "成功"
        FAILED = "failed", "失败"

    job = models.CharField(max_length=40)
    slot = models.DateTimeField()
    attempt = models.PositiveSmallIntegerField(default=1)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    output = models.TextField(blank=True)

    class Meta:
        ordering = ["-started"]
        constraints = [models.UniqueConstraint(fields=["job", "slot", "attempt"], name="ops_jobrun_once")]
        indexes = [models.Index(fields=["job", "-slot"], name="ops_jobrun_last")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M} #{self.attempt}"
