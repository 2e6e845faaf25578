"""A property-based state machine (hypothesis) drives random step sequences through the services:
the right next step with good data, any step with random data and a random actor, notices,
objections, votes with random tallies, extensions, cancellation, closing. Whatever the sequence,
the case never reaches a state the rules forbid (rules.md §2)."""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from core.dates import add_months
from core.models import AuditEntry
from core.workdays import add_workdays
from members.models import Member
from recruitment import rules, selectors, services
from recruitment.models import Case, Vote
from recruitment.tests.helpers import full_members, id_number, open_case

TODAY = timezone.localdate()
SEQ = itertools.count(100)
REFUSALS = (ValidationError, PermissionDenied)


def tally(draw_int):
    entitled = draw_int(1, 15)
    present = draw_int(0, entitled)
    written = draw_int(0, entitled - present)
    issued = draw_int(0, present)
    returned = draw_int(0, issued)
    yes = draw_int(0, returned + written)
    no = draw_int(0, returned + written - yes)
    abstain = draw_int(0, returned + written - yes - no)
    return {"entitled": entitled, "present": present, "written_opinions": written, "ballots_issued": issued,
            "ballots_returned": returned, "yes": yes, "no": no, "abstain": abstain}


class Recruitment(RuleBasedStateMachine):
    world = None  # set by the test

    @initialize(start=st.dates(date(2014, 1, 1), date(2019, 12, 31)))
    def open(self, start):
        born = date(start.year - 19 - (next(SEQ) % 30), 3, 9)
        self.case = open_case(self.world, number=id_number(born=born, seq=next(SEQ) % 1000), applied=start)
        self.clock = start

    def _day(self, gap):
        return min(self.clock + timedelta(days=gap), TODAY)

    def _try(self, call, *args, day=None, **kwargs):
        try:
            result = call(*args, **kwargs)
        except REFUSALS:
            return None
        if day:
            self.clock = max(self.clock, day)
        self.case.refresh_from_db()
        return result

    # --- the documented path, with the waits the rules ask for --------------------------------

    @rule(times=st.integers(1, 8), gap=st.integers(1, 60), passes=st.integers(0, 9).map(bool))
    def advance(self, times, gap, passes):
        for _ in range(times):
            self._advance(gap, passes)

    def _advance(self, gap, passes):
        case = self.case
        hist = selectors.history(case)
        upcoming = selectors.next_steps(case, hist)
        if not upcoming:
            return
        n = upcoming[-1]
        d = self._day(gap)
        if n == 3:
            d = max(d, add_months(case.applied, 6))
        if n == 7 and hist.first(3):
            d = max(d, add_months(hist.first(3), 12))
        if n in (23, 24) and case.probation_ends:
            d = max(d, case.probation_ends)
        if n in (3, 7, 17, 24) and not hist.latest_notice(n):
            start = max(d, hist.last_date() or d)
            end = add_workdays(start - timedelta(days=1), 5)
            self._try(services.notice_publish, actor=self.world.users["secretary"], case=case, kind=n,
                      starts_on=start, ends_on=end, day=end)
            d = end + timedelta(days=1)
        if d > TODAY:
            return
        self._record(n, d, good=True, passes=passes, actor="a_admin" if n in rules.UPPER_STEPS else "secretary")

    def _record(self, n, d, *, good, passes, actor, data=None):
        users, case = self.world.users, self.case
        if n == 10:
            return self._try(services.review_record, actor=users[actor], case=case, methods="谈话", findings="清楚",
                             conclusion="passed" if passes or not good else "failed", concluded_on=d, day=d)
        if n == 13:
            return self._try(services.prereview_record, actor=users[actor], case=case, received_on=d,
                             reviewed_on=d, result="passed" if passes else "failed", opinion="意见", day=d)
        if n in (15, 23):
            numbers = data or {"entitled": 9, "present": 8, "written_opinions": 1, "ballots_issued": 8,
                               "ballots_returned": 8, "yes": 7 if passes else 3, "no": 1 if passes else 5,
                               "abstain": 0}
            computed = Vote(**numbers).compute_passed()
            declared = ("passed" if computed else "failed") if good else ("passed" if passes else "failed")
            return self._try(services.vote_record, actor=users[actor], case=case, purpose=n, held_on=d,
                             result=declared, day=d, **numbers)
        extra = {}
        if n == 5:
            extra["people"] = full_members(self.world)[:1]
        if n == 9:
            extra["people"] = full_members(self.world) if good else full_members(self.world)[:1]
        if n == 11:
            extra.update(training_days=3 if good else 1, training_hours=0)
        return self._try(services.step_record, actor=users[actor], case=case, number=n, done_on=d, day=d, **extra)

    # --- anything else, in any order --------------------------------------------------------------

    @rule(n=st.integers(2, 25), gap=st.integers(0, 400), passes=st.booleans(),
          actor=st.sampled_from(["secretary", "a_admin"]), data=st.data())
    def random_step(self, n, gap, passes, actor, data):
        numbers = tally(lambda lo, hi: data.draw(st.integers(lo, hi))) if n in (15, 23) else None
        self._record(n, self._day(gap), good=False, passes=passes, actor=actor, data=numbers)

    @rule(kind=st.sampled_from([3, 7, 17, 24]), gap=st.integers(0, 60), length=st.integers(0, 14))
    def notice(self, kind, gap, length):
        start = self._day(gap)
        self._try(services.notice_publish, actor=self.world.users["secretary"], case=self.case, kind=kind,
                  starts_on=start, ends_on=start + timedelta(days=length))

    @rule(resolve=st.integers(0, 3).map(bool))
    def objection(self, resolve):
        notice = self.case.notices.first()
        if notice is None:
            return
        pending = self.case.objections.filter(resolved_on__isnull=True).first()
        if resolve and pending is not None:
            self._try(services.objection_resolve, actor=self.world.users["secretary"], objection=pending,
                      resolution="不属实", resolved_on=max(pending.received_on, min(self.clock, TODAY)))
        elif notice.starts_on <= TODAY:
            self._try(services.objection_add, actor=self.world.users["secretary"], notice=notice,
                      received_on=notice.starts_on, text="反映问题")

    @rule(months=st.integers(4, 14), gap=st.integers(0, 60))
    def extend(self, months, gap):
        d = max(self._day(gap), self.case.probation_ends or self.clock)
        if d <= TODAY:
            self._try(services.case_extend, actor=self.world.users["a_admin"], case=self.case, months=months,
                      assembly_on=d, decided_on=d)

    @rule(which=st.sampled_from(["cancel", "close"] + ["nothing"] * 8))
    def end(self, which):
        if which == "nothing":
            return
        if which == "cancel":
            self._try(services.case_cancel, actor=self.world.users["a_admin"], case=self.case, assembly_on=TODAY, decided_on=TODAY,
                      reason="不具备党员条件")
        else:
            self._try(services.case_close, actor=self.world.users["secretary"], case=self.case, closed_on=TODAY,
                      reason="撤回")

    # --- what must always hold --------------------------------------------------------------------

    @invariant()
    def never_a_forbidden_state(self):
        case = Case.objects.get(pk=self.case.pk)
        hist = selectors.history(case)
        done = sorted(n for n, rows in hist.steps.items() if rows)

        def follows(k, n):  # step n comes after step k (⑨ ⑩ ⑪ in any order among themselves)
            return k < n and not (k in rules.ANY_ORDER and n in rules.ANY_ORDER)
        for n in done:
            assert all(k in done for k in range(1, n) if follows(k, n)), f"steps out of order: {done}"
            assert all(hist.first(k) <= hist.first(n) for k in done if follows(k, n)), \
                "a step dated before the one it follows"
        assert case.age_on(case.applied) >= 18
        if hist.done(3):
            assert hist.first(3) >= add_months(case.applied, 6)
            assert self._noticed(hist, 3)
        if hist.done(7):
            assert hist.first(7) >= add_months(hist.first(3), 12), "candidate before a full year as activist"
        if hist.done(9):
            sponsors = case.people.filter(role="sponsor")
            assert sponsors.count() == 2 and all(p.member.status == "full" or hist.done(17) for p in sponsors)
        if hist.done(12):
            assert any(r.conclusion == "passed" for r in hist.reviews), "admission without a passed review"
        if hist.done(14):
            assert any(p.result == "passed" and p.reviewed_on <= hist.first(14) for p in hist.prereviews)
        if hist.done(17):
            vote = next(v for v in hist.votes if v.purpose == 15 and v.passed)
            assert vote.held_on == case.admitted and vote.passed and vote.compute_passed()
            assert hist.reviews[0].conclusion == "passed"
            assert case.member is not None and case.probation_ends >= add_months(case.admitted, 12)
            assert self._noticed(hist, 17)
        for vote in hist.votes:
            assert vote.passed == vote.compute_passed(), "a vote recorded against its numbers"
        if case.extension_months is not None:
            assert 6 <= case.extension_months <= 12
            assert case.probation_ends == add_months(case.admitted, 12 + case.extension_months)
        extensions = AuditEntry.objects.filter(action="recruitment.extend", object_id=str(case.pk)).count()
        assert extensions <= 1, "a second extension"
        if hist.done(23) or hist.done(24):
            assert hist.first(23) >= case.probation_ends, "conversion before probation ends"
        if case.status in ("full", "archived"):
            member = Member.objects.get(pk=case.member_id)
            assert member.status == "full" and member.converted == case.converted == case.probation_ends
        if case.status == "cancelled":
            assert Member.objects.get(pk=case.member_id).status == "cancelled"
        if any(r.conclusion == "failed" for r in hist.reviews[:1]):
            assert case.status == "closed" and not hist.done(12)

    @staticmethod
    def _noticed(hist, number):
        before = hist.first(number)
        return any(n.kind == number and n.ends_on < before and n.workdays >= 5 for n in hist.notices)


@pytest.mark.django_db
def test_random_step_sequences_never_reach_a_forbidden_state(world):
    Recruitment.world = world
    run_state_machine_as_test(Recruitment, settings=settings(
        max_examples=40, stateful_step_count=45, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
