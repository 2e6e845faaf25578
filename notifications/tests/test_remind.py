"""`dangjian notifications remind`: recruitment steps due within N days or overdue, meetings due
this period; run twice on a day, it reminds once; the scheduler runs it daily."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from notifications import reminders
from notifications.models import Kind, Notification
from ops.scheduler import BY_NAME
from orglife.selectors import due_reminders as meetings_due
from recruitment.models import Case
from recruitment.tests.helpers import open_case


def due_case(world, days: int, **extra) -> Case:
    case = open_case(world, **extra)
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() + timedelta(days=days))
    return case


def rows(kind=Kind.RECRUITMENT_DUE) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "link"))


def test_a_case_due_within_the_days_reminds_its_branchs_officers_only(world):
    case = due_case(world, 3)
    call_command("notifications", "remind", "--days", "1")
    assert rows() == []
    call_command("notifications", "remind", "--days", "7")
    assert rows() == [("secretary", case.get_absolute_url())]
    assert "将于" in Notification.objects.get().title


def test_an_overdue_case_is_reminded_as_overdue(world):
    due_case(world, 0)
    call_command("notifications", "remind")
    assert "已逾期" in Notification.objects.get(kind=Kind.RECRUITMENT_DUE).title


def test_remind_twice_on_a_day_reminds_once_and_again_the_next_day(world):
    due_case(world, 2)
    call_command("notifications", "remind")
    call_command("notifications", "remind")
    assert len(rows()) == 1
    assert Notification.objects.get(kind=Kind.RECRUITMENT_DUE).day == timezone.localdate()
    from notifications import services

    services.remind(today=timezone.localdate() + timedelta(days=1))
    assert len(rows()) == 2


def test_meetings_due_this_period_remind_the_users_who_record_them(world):
    # The last days of a month: the branch's monthly meetings not held are due soon.
    today = timezone.localdate().replace(day=1) + timedelta(days=40)
    today = today.replace(day=1) - timedelta(days=2)
    found = meetings_due(today=today)
    assert found and {r.kind for r in found} == {Kind.MEETING_DUE}
    told = {user_id for r in found for user_id in r.recipients}
    assert world.users["secretary"].pk in told
    assert world.users["member"].pk not in told and world.users["outsider"].pk not in told
    assert all(r.link.startswith("/orglife/new/?org=") for r in found)


def test_both_sources_are_registered_and_the_scheduler_runs_the_job_at_eight():
    names = {f"{source.__module__}.{source.__name__}" for source in reminders.SOURCES}
    assert names == {"orglife.selectors.due_reminders", "recruitment.selectors.due_reminders"}
    assert BY_NAME["reminders"].command == ("notifications", "remind")
    assert BY_NAME["reminders"].default == "08:00"
