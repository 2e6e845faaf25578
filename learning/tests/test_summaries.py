"""The online-study summary (``StudyOrgYear``) equals the study rows after every call of every
service that credits study; a row written past the services is reported and the rebuild puts it
right. The study rows keep the org the member was in when credited, so a transfer moves neither."""

import inspect
from datetime import timedelta

import pytest
from django.utils import timezone

from core import summaries
from dangjian.testing import check_after_each_call
from learning import services
from learning import summaries as study_summaries
from learning.models import StudyDay, StudyOrgYear
from learning.services import Beat

WRITERS = {"heartbeat"}
NOT_WRITING = {"channel_create", "course_create", "course_publish", "item_add", "session_open", "session_close",
               "offline_hours_record"}

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([study_summaries.NAME]) if d for line in d.describe()]


def test_every_public_service_is_named_as_crediting_study_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_study_rows_after_every_service_call(world, article, monkeypatch):
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    now = [timezone.now()]
    monkeypatch.setattr("learning.services.timezone.now", lambda: now[0])
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    for seq, elapsed in enumerate((15, 15, 3), start=1):
        now[0] += timedelta(seconds=15)
        services.heartbeat(actor=member, token=session.token, beat=Beat(seq=seq, elapsed=elapsed))
    now[0] += timedelta(seconds=15)
    services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15))  # refused
    services.session_close(actor=member, token=session.token)
    services.offline_hours_record(actor=world.users["secretary"], member=world.members["a1_member"],
                                  day=timezone.localdate(), hours=2, subject="党校培训", evidence="证书")
    assert checked["heartbeat"] == 4 and StudyOrgYear.objects.get().seconds == 33


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world, article):
    StudyDay.objects.create(member=world.members["a1_member"], item=article, org=world.branch_a1,
                            day=timezone.localdate(), seconds=100)
    assert differences()
    summaries.rebuild([study_summaries.NAME])
    assert differences() == [] and StudyOrgYear.objects.get().seconds == 100
