"""The letters' monthly summary (``transfers.letter_month``) equals the letters after every call
of every public transfer service; a letter written past the services is reported and put right by
the rebuild. Care's (``care.visit_month``) likewise, through its services and a member's transfer."""

import inspect
from datetime import timedelta

from django.utils import timezone

from care import services as care_services
from core import summaries
from dangjian.testing import check_after_each_call
from members.models import Member
from transfers import services
from transfers.models import Letter
from transfers.tests.helpers import backdate, issue
from transfers.tests.test_workflow import receive_external

NAMES = ["transfers.letter_month", "care.visit_month"]
WRITERS = {"letter_issue", "letter_accept", "letter_receive_external"}
# Their letters' dates and orgs do not change what is counted (issued stays issued).
NOT_WRITING = {"find_destination", "letter_return", "letter_cancel", "letter_complete", "letter_expire",
               "expire_overdue", "certificate_issue", "certificate_renew", "certificate_close"}
CARE_WRITERS = {"visit_record", "visit_update", "visit_delete"}
CARE_RECEIVERS = {"follow_members"}  # walked through the transfer that moves the member


def differences() -> list[str]:
    return [line for d in summaries.check(NAMES) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_or_not():
    for module, named in ((services, WRITERS | NOT_WRITING), (care_services, CARE_WRITERS | CARE_RECEIVERS)):
        public = {name for name, f in inspect.getmembers(module, inspect.isfunction)
                  if f.__module__ == module.__name__ and not name.startswith("_")}
        assert public == named, f"{module.__name__}: a new service — name it and walk it below"


def test_the_summaries_equal_the_records_after_every_service_call(world, monkeypatch):
    calls = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING - {"find_destination"},
                                                care_services: CARE_WRITERS}, differences)
    today = timezone.localdate()
    admin = world.users["city_admin"]
    member = Member.objects.get(pk=world.members["a1_member"].pk)
    visit = care_services.visit_record(actor=admin, member=member, visited=today, visitors="书记", occasion="daily")
    care_services.visit_update(actor=admin, visit=visit, visited=today - timedelta(days=45), visitors="书记",
                               occasion="daily")
    care_services.visit_record(actor=admin, member=member, visited=today, visitors="书记", occasion="daily")
    care_services.visit_delete(actor=admin, visit=visit)
    # A letter within the platform accepted: the member (with a visit) moves, the visit's count too.
    services.letter_accept(actor=admin, letter=issue(world, actor="city_admin"))
    assert differences() == []
    services.letter_return(actor=admin, letter=issue(world, member="a2_member", actor="city_admin"), reason="信息有误")
    services.letter_cancel(actor=admin, letter=issue(world, member="a2_member", actor="city_admin"), reason="不再转出")
    services.letter_complete(actor=admin, letter=issue(world, member="a2_member", actor="city_admin",
                                                       to_org_name="平台外某党支部"))
    receive_external(world)
    stale = backdate(issue(world, member="a1_secretary", actor="city_admin"),
                     issued_on=today - timedelta(days=100), valid_until=today - timedelta(days=40))
    summaries.rebuild(NAMES)  # backdated past the services: as if issued a hundred days ago
    services.letter_expire(actor=admin, letter=stale)
    services.expire_overdue()
    assert calls["letter_issue"] >= 5 and set(calls) >= WRITERS | CARE_WRITERS


def test_a_letter_written_past_the_services_is_reported_and_rebuilt(world):
    issue(world)
    Letter.objects.update(issued_on=timezone.localdate() - timedelta(days=400),
                          valid_until=timezone.localdate() - timedelta(days=340))
    assert differences()
    summaries.rebuild(NAMES)
    assert differences() == []
