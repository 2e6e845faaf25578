"""The scheduler (ops/scheduler.py, issue 15.2) on a fake clock: each job runs at its time once
per slot, a missed slot once, a failure is retried and then reported, a slot claimed by another
scheduler is left to it, a run whose process died is retried; the system administrator sees it."""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dangjian.testing import make_world
from members.models import MemberCount
from ops import scheduler
from ops.models import JobRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL_OFF = {job.name: "" for job in scheduler.JOBS}


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=SHANGHAI)


def test_a_daily_slot_is_the_last_time_at_or_before_now():
    assert scheduler.last_slot("02:30", at(10, 2, 29, 59)) == at(9, 2, 30)
    assert scheduler.last_slot("02:30", at(10, 2, 30)) == at(10, 2, 30)
    assert scheduler.last_slot("02:30", at(10, 23, 59)) == at(10, 2, 30)


def test_an_every_slot_counts_from_midnight():
    assert scheduler.last_slot("every 60", at(10, 0, 0)) == at(10, 0)
    assert scheduler.last_slot("every 60", at(10, 13, 59)) == at(10, 13)
    assert scheduler.last_slot("every 45", at(10, 1, 40)) == at(10, 1, 30)
    assert scheduler.last_slot("", at(10, 1)) is None


@pytest.mark.django_db
def test_each_slot_runs_once_and_a_missed_one_once(settings):
    settings.SCHEDULE = {**ALL_OFF, "audit_checkpoint": "every 60"}
    first = scheduler.tick(at(10, 9, 5))
    assert [(r.job, r.slot, r.status) for r in first] == [("audit_checkpoint", at(10, 9), "ok")]
    assert "已写入检查点" in first[0].output
    assert scheduler.tick(at(10, 9, 59)) == []  # same slot: done
    assert [r.slot for r in scheduler.tick(at(10, 10, 0))] == [at(10, 10)]
    # The scheduler was down from 10:00 to 15:20: the 15:00 slot runs, once, not the five missed.
    assert [r.slot for r in scheduler.tick(at(10, 15, 20))] == [at(10, 15)]
    assert JobRun.objects.count() == 3


@pytest.mark.django_db
def test_a_daily_job_waits_for_its_time(settings):
    settings.SCHEDULE = {**ALL_OFF, "transfers_expire": "00:15"}
    assert [r.slot for r in scheduler.tick(at(10, 0, 14))] == [at(9, 0, 15)]  # first start: yesterday's
    assert scheduler.tick(at(10, 0, 14, 59)) == []
    run = scheduler.tick(at(10, 0, 15))
    assert [r.slot for r in run] == [at(10, 0, 15)] and "介绍信标记为过期" in run[0].output


@pytest.mark.django_db
def test_a_failing_job_is_retried_then_reported_once(settings, caplog, mailoutbox):
    settings.SCHEDULE = {**ALL_OFF, "summaries_check": "04:30"}
    settings.ADMINS = [("运维", "ops@example.invalid")]
    world = make_world()
    MemberCount.objects.update_or_create(org=world.branch_a1, status="full", defaults={"total": 999})
    start = at(10, 4, 30)
    assert [r.status for r in scheduler.tick(start)] == ["failed"]
    assert scheduler.tick(start + timedelta(minutes=9)) == []  # not before RETRY_AFTER
    second = scheduler.tick(start + timedelta(minutes=11))
    assert [(r.attempt, r.status) for r in second] == [(2, "failed")]
    assert mailoutbox == []
    with caplog.at_level(logging.ERROR, logger="dangjian.scheduler"):
        third = scheduler.tick(start + timedelta(minutes=22))
    assert [(r.attempt, r.status) for r in third] == [(3, "failed")]
    assert "汇总表核对" in caplog.text and len(mailoutbox) == 1 and "连续 3 次失败" in mailoutbox[0].subject
    assert scheduler.tick(start + timedelta(hours=2)) == []  # given up until the next slot
    assert [r.attempt for r in scheduler.tick(at(11, 4, 30))] == [1]


@pytest.mark.django_db
def test_a_retry_that_succeeds_ends_the_retries(settings):
    settings.SCHEDULE = {**ALL_OFF, "summaries_check": "04:30"}
    world = make_world()
    row, _ = MemberCount.objects.update_or_create(org=world.branch_a1, status="full", defaults={"total": 999})
    scheduler.tick(at(10, 4, 30))
    call_command("summaries", "--rebuild", stdout=open("/dev/null", "w"))
    assert [(r.attempt, r.status) for r in scheduler.tick(at(10, 4, 41))] == [(2, "ok")]
    assert scheduler.tick(at(10, 5, 30)) == []


@pytest.mark.django_db
def test_a_slot_another_scheduler_claimed_is_left_to_it(settings):
    settings.SCHEDULE = {**ALL_OFF, "audit_checkpoint": "every 60"}
    job = scheduler.BY_NAME["audit_checkpoint"]
    assert scheduler.run(job, at(10, 9), 1, at(10, 9, 1)) is not None
    assert scheduler.run(job, at(10, 9), 1, at(10, 9, 1)) is None  # the unique claim
    JobRun.objects.create(job="audit_checkpoint", slot=at(10, 10), attempt=1, started=at(10, 10))  # running elsewhere
    assert scheduler.tick(at(10, 10, 5)) == []
    assert JobRun.objects.count() == 2


@pytest.mark.django_db
def test_a_run_whose_process_died_is_marked_failed_and_retried(settings):
    settings.SCHEDULE = {**ALL_OFF, "backup": "02:30"}
    JobRun.objects.create(job="backup", slot=at(10, 2, 30), attempt=1, started=at(10, 2, 30))
    assert scheduler.tick(at(10, 5)) == []  # still within STALE_AFTER: maybe running
    settings.SCHEDULE = {**ALL_OFF, "audit_checkpoint": "02:30"}
    JobRun.objects.create(job="audit_checkpoint", slot=at(10, 2, 30), attempt=1, started=at(10, 2, 30))
    runs = scheduler.tick(at(10, 9))
    dead = JobRun.objects.get(job="audit_checkpoint", attempt=1)
    assert dead.status == "failed" and "运行中断" in dead.output
    assert [(r.attempt, r.status) for r in runs] == [(2, "ok")]


@pytest.mark.django_db
def test_the_command_refuses_an_unreadable_schedule_and_runs_once(settings):
    settings.SCHEDULE = {**ALL_OFF, "backup": "25:00"}
    with pytest.raises(CommandError, match="backup"):
        call_command("scheduler", "--once")
    settings.SCHEDULE = {**ALL_OFF, "no_such_job": "01:00"}
    with pytest.raises(CommandError, match="no_such_job"):
        call_command("scheduler", "--once")
    settings.SCHEDULE = {**ALL_OFF, "audit_checkpoint": "every 5"}
    call_command("scheduler", "--once", stdout=open("/dev/null", "w"))
    assert JobRun.objects.filter(job="audit_checkpoint", status="ok").count() == 1


@pytest.mark.django_db
def test_the_system_page_shows_each_job_and_warns_of_one_given_up(settings):
    settings.SCHEDULE = {**ALL_OFF, "summaries_check": "04:30"}
    world = make_world()
    page = world.client("sysadmin").get(reverse("core:system")).content.decode()
    assert "调度进程还没有运行过任何任务" in page
    assert all(job.label in page for job in scheduler.JOBS)
    for attempt in (1, 2, 3):
        JobRun.objects.create(job="summaries_check", slot=at(10, 4, 30), attempt=attempt, started=at(10, 4, 30),
                              finished=at(10, 4, 31), status="failed", output="汇总表与业务记录不一致")
    page = world.client("sysadmin").get(reverse("core:system")).content.decode()
    assert "job-warning" in page and "连续 3 次运行失败" in page and "汇总表与业务记录不一致" in page
    for persona in ("city_admin", "secadmin", "auditor"):
        assert world.client(persona).get(reverse("core:system")).status_code == 404
