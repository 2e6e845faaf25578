"""Online study counted honestly (issue 16.2): each gaming attempt credits nothing and is counted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import summaries
from learning import rules, services
from learning.models import RefusedBeat, StudyDay, StudyOrgYear, StudySession
from learning.services import Beat

pytestmark = pytest.mark.django_db


class Clock:
    """Moves the server's clock (timezone.now as the services see it)."""

    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
        monkeypatch.setattr("learning.services.timezone.now", lambda: self.now)

    def wait(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def credited(world):
    return sum(StudyDay.objects.filter(member=world.members["a1_member"]).values_list("seconds", flat=True))


def refused(reason):
    return RefusedBeat.objects.filter(reason=reason).count()


def test_it_credits_the_time_between_heartbeats(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    clock.wait(15)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15))
    assert result.accepted and result.credited == 15
    clock.wait(15)
    services.heartbeat(actor=member, token=session.token, beat=Beat(seq=2, elapsed=14.5))
    assert credited(world) == 29
    assert StudyOrgYear.objects.get(org=world.branch_a1).seconds == 29


def test_a_second_tab_closes_the_first_one(world, article, clock):
    member = world.users["member"]
    first = services.session_open(actor=member, item=article)
    second = services.session_open(actor=member, item=article)
    clock.wait(15)
    result = services.heartbeat(actor=member, token=first.token, beat=Beat(seq=1, elapsed=15))
    assert not result.accepted and result.reason == "closed"
    assert services.heartbeat(actor=member, token=second.token, beat=Beat(seq=1, elapsed=15)).credited == 15
    assert credited(world) == 15 and refused("closed") == 1


def test_a_hidden_page_credits_nothing(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    clock.wait(15)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15, visible=False))
    assert not result.accepted and credited(world) == 0 and refused("hidden") == 1
    clock.wait(15)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15, focused=False))
    assert not result.accepted and credited(world) == 0 and refused("hidden") == 2


def test_a_forged_elapsed_time_beyond_the_wall_clock_is_refused(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    clock.wait(15)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=60))
    assert not result.accepted and result.reason == "forged"
    assert credited(world) == 0 and refused("forged") == 1


def test_heartbeats_faster_than_the_interval_are_refused(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    clock.wait(2)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=2))
    assert not result.accepted and result.reason == "too_fast" and credited(world) == 0


def test_a_long_gap_credits_at_most_the_longest_gap(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    clock.wait(600)
    assert services.heartbeat(actor=member, token=session.token,
                              beat=Beat(seq=1, elapsed=600)).credited == rules.BEAT_MAX_GAP


def test_media_played_faster_than_one_and_a_quarter_credits_nothing(world, video, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=video)
    clock.wait(15)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15, rate=1.5, position=22))
    assert not result.accepted and result.reason == "speed" and credited(world) == 0
    clock.wait(15)
    ok = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=2, elapsed=15, rate=1.25, position=18))
    assert ok.credited == 15


def test_media_that_jumps_ahead_faster_than_it_plays_credits_nothing(world, video, clock):
    """A script that reports 1× but moves the position at 2× (or a seek): nothing for that span."""
    member = world.users["member"]
    session = services.session_open(actor=member, item=video)
    clock.wait(15)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15, position=30))
    assert result.accepted and result.credited == 0 and result.reason == "seek"


def test_paused_media_credits_nothing(world, video, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=video)
    clock.wait(15)
    result = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15, playing=False))
    assert result.credited == 0 and result.reason == "paused"


def test_replayed_and_out_of_order_heartbeats_are_refused(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    clock.wait(15)
    assert services.heartbeat(actor=member, token=session.token, beat=Beat(seq=2, elapsed=15)).credited == 15
    clock.wait(15)
    replay = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=2, elapsed=15))
    clock.wait(15)
    older = services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15))
    assert not replay.accepted and not older.accepted and refused("replayed") == 2
    assert credited(world) == 15


def test_a_closed_or_unknown_session_is_refused(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    services.session_close(actor=member, token=session.token)
    clock.wait(15)
    assert services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15)).reason == "closed"
    assert services.heartbeat(actor=member, token="forged-token", beat=Beat(seq=1, elapsed=15)).reason == "unknown"
    assert credited(world) == 0


def test_another_members_session_is_unknown_to_them(world, article, clock):
    session = services.session_open(actor=world.users["member"], item=article)
    clock.wait(15)
    result = services.heartbeat(actor=world.users["secretary"], token=session.token, beat=Beat(seq=1, elapsed=15))
    assert result.reason == "unknown" and StudyDay.objects.count() == 0


def test_nothing_is_credited_past_the_items_length_and_margin(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    for seq in range(1, 40):
        clock.wait(60)
        services.heartbeat(actor=member, token=session.token, beat=Beat(seq=seq, elapsed=60))
    assert credited(world) == rules.item_cap(article.seconds) == 900
    assert StudyDay.objects.get(member=world.members["a1_member"]).completed


def test_nothing_is_credited_past_the_daily_cap(world, course, clock):
    from orgs.models import OrgSetting

    OrgSetting.objects.create(org=world.district_a, key="learning_daily_cap_minutes", value=2)
    member = world.users["member"]
    items = [services.item_add(actor=world.users["city_admin"], course=course, kind="article", title=f"第{i}讲",
                               seconds=6000, body="正文") for i in range(2)]
    session = services.session_open(actor=member, item=items[0])
    for seq in range(1, 4):
        clock.wait(60)
        services.heartbeat(actor=member, token=session.token, beat=Beat(seq=seq, elapsed=60))
    assert credited(world) == 120
    other = services.session_open(actor=member, item=items[1])
    clock.wait(60)
    result = services.heartbeat(actor=member, token=other.token, beat=Beat(seq=1, elapsed=60))
    assert result.credited == 0 and result.reason == "cap" and credited(world) == 120


def test_an_item_the_member_may_not_see_cannot_be_opened(world, clock):
    from core.errors import NotFound

    course = services.course_create(actor=world.users["b_admin"], org=world.district_b, title="河西区课程")
    item = services.item_add(actor=world.users["b_admin"], course=course, kind="article", title="一", seconds=60,
                             body="正文")
    with pytest.raises(NotFound):
        services.session_open(actor=world.users["member"], item=item)


def test_an_item_withdrawn_during_the_session_is_refused(world, article, course, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    course.published = False
    course.save()
    clock.wait(15)
    assert services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15)).reason == "unseen"


def test_malformed_values_are_refused_before_anything(world):
    for bad in ({"seq": 0, "elapsed": 1}, {"seq": 1, "elapsed": -1}, {"seq": 1, "elapsed": float("nan")},
                {"seq": 1, "elapsed": 1, "rate": 99}):
        with pytest.raises(ValueError):
            Beat(**bad)


def test_the_summary_rebuild_matches_what_heartbeats_kept(world, article, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=article)
    clock.wait(20)
    services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=20))
    assert not any(summaries.check(["learning.study_org_year"]))
    StudyOrgYear.objects.update(seconds=1)
    assert any(summaries.check(["learning.study_org_year"]))
    summaries.rebuild(["learning.study_org_year"])
    assert StudyOrgYear.objects.get().seconds == 20


def test_opening_resumes_where_the_member_stopped(world, video, clock):
    member = world.users["member"]
    session = services.session_open(actor=member, item=video)
    clock.wait(15)
    services.heartbeat(actor=member, token=session.token, beat=Beat(seq=1, elapsed=15, position=15))
    assert services.session_open(actor=member, item=video).position == 15
    assert StudySession.objects.filter(closed=False).count() == 1
