"""Points (issue 16.7): each activity earns its points under its daily cap, counted where the
activity happens (study heartbeats, completion, practice, an exam passed once, group study and
training attendance, taken back when a group study is undone); the branch ranking from the summary
rows, with equal ranks for equal points; an org admin switches it off for the subtree; the pages
and the API show points beside the hours; 404 out of scope for every page and API operation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import summaries
from core.errors import NotFound
from core.models import AuditEntry
from dangjian.testing import api_client
from exams import services as exam_services
from exams.models import QuestionKind
from learning import services as learning_services
from learning.models import ItemKind
from orgs import services as org_services
from orgs.models import OrgSetting
from points import rules, selectors, services
from points.models import PointDay, PointMemberYear, PointOrgYear
from training import services as training_services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year

PAGES = {"points:home", "points:ranking", "points:ranking_switch"}
API = {"api:points_rules", "api:points_mine", "api:points_ranking", "api:points_ranking_switch"}
SCOPE_TESTED = PAGES | API


def points_of(world, key="a1_member", activity=None):
    rows = PointDay.objects.filter(member=world.members[key])
    if activity:
        rows = rows.filter(activity=activity)
    return sum(rows.values_list("points", flat=True))


def counted_equal_recount():
    assert not any(summaries.check(["points.member_year", "points.org_year"])), "summaries differ from the records"


# --- the rule table -----------------------------------------------------------------------------


def test_every_activity_is_capped_per_day():
    assert rules.points_for("practice", 3) == 3
    assert rules.points_for("practice", 9) == rules.BY_CODE["practice"].daily_cap == 5
    assert rules.points_for("exam", 1) == 5 and rules.points_for("exam", 3) == 10
    assert rules.points_for("study", -2) == 0
    assert all(a.daily_cap >= a.points > 0 for a in rules.ACTIVITIES)


def test_award_caps_the_day_and_takes_back_what_an_undone_record_earned(world):
    member, org = world.members["a1_member"], world.branch_a1
    for _ in range(3):
        services.award(member_id=member.pk, org_id=org.pk, day=TODAY, activity="group_study", units=1)
    row = PointDay.objects.get(member=member, activity="group_study")
    assert (row.count, row.points) == (3, 6)  # 3 × 3 points, capped at 6 a day
    assert services.award(member_id=member.pk, org_id=org.pk, day=TODAY, activity="group_study", units=-1) == 0
    assert services.award(member_id=member.pk, org_id=org.pk, day=TODAY, activity="group_study", units=-1) == -3
    assert services.award(member_id=member.pk, org_id=org.pk, day=TODAY, activity="group_study", units=-1) == -3
    assert not PointDay.objects.exists()  # nothing left: no row
    # The next day has its own cap.
    services.award(member_id=member.pk, org_id=org.pk, day=TODAY - timedelta(days=1), activity="exam", units=1)
    services.award(member_id=member.pk, org_id=org.pk, day=TODAY, activity="exam", units=3)
    assert points_of(world, activity="exam") == 5 + 10
    counted_equal_recount()
    with pytest.raises(ValueError):
        services.award(member_id=member.pk, org_id=org.pk, day=TODAY, activity="likes", units=1)


# --- where the points are earned ------------------------------------------------------------------


class Clock:
    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
        monkeypatch.setattr("learning.services.timezone.now", lambda: self.now)


def test_online_study_earns_a_point_per_ten_minutes_and_two_for_finishing(world, monkeypatch):
    clock = Clock(monkeypatch)
    course = learning_services.course_create(actor=world.users["city_admin"], org=world.city, title="党章学习")
    item = learning_services.item_add(actor=world.users["city_admin"], course=course, kind=ItemKind.ARTICLE,
                                      title="第一章", seconds=600, body="正文")
    member = world.users["member"]
    session = learning_services.session_open(actor=member, item=item)
    for seq in range(1, 37):  # 36 × 15 s = 540 s: 90 % of the item, completed; not yet 10 minutes
        clock.now += timedelta(seconds=15)
        learning_services.heartbeat(actor=member, token=session.token, beat=learning_services.Beat(seq=seq, elapsed=15))
    assert (points_of(world, activity="study"), points_of(world, activity="complete")) == (0, 2)
    for seq in range(37, 41):  # 600 s: ten minutes
        clock.now += timedelta(seconds=15)
        learning_services.heartbeat(actor=member, token=session.token, beat=learning_services.Beat(seq=seq, elapsed=15))
    assert (points_of(world, activity="study"), points_of(world, activity="complete")) == (1, 2)
    # A refused heartbeat (too fast) earns nothing.
    clock.now += timedelta(seconds=1)
    assert not learning_services.heartbeat(actor=member, token=session.token,
                                           beat=learning_services.Beat(seq=41, elapsed=1)).accepted
    assert points_of(world) == 3
    counted_equal_recount()


def test_practice_and_an_exam_passed_earn_points_once(world):
    for i in range(6):
        exam_services.question_create(actor=world.users["city_admin"], org=world.district_a, topic="党章",
                                      kind=QuestionKind.TRUE_FALSE, text=f"判断{i}", options=[], answer="t")
    from exams import selectors as exam_selectors

    member = world.members["a1_member"]
    questions = exam_selectors.practice_questions(member, TODAY)
    exam_services.practice_submit(actor=world.users["member"], answers={i: "t" for i in range(1, len(questions) + 1)})
    assert points_of(world, activity="practice") == min(len(questions), 5)
    exam = exam_services.exam_create(actor=world.users["a_admin"], org=world.district_a, title="党章测试", topic="",
                                     questions=4, minutes=10, pass_score=60, attempts=2, opens=TODAY,
                                     closes=TODAY + timedelta(days=3))
    for _ in range(2):  # passed twice: the points come once
        attempt = exam_services.attempt_start(actor=world.users["member"], exam=exam)
        exam_services.attempt_submit(actor=world.users["member"], attempt=attempt,
                                     answers={p: "t" for p in range(1, 5)})
    assert points_of(world, activity="exam") == 5
    counted_equal_recount()


def test_group_study_and_training_attendance_earn_points_and_undoing_takes_them_back(world):
    day = max(TODAY - timedelta(days=2), TODAY.replace(month=1, day=1))
    study = training_services.group_study_record(
        actor=world.users["secretary"], org=world.branch_a1, kind="branch", held_on=day, topic="学习党章",
        hours=Decimal("2"), attendees=[world.members["a1_member"], world.members["a1_secretary"]])
    assert points_of(world, activity="group_study") == 3 and points_of(world, "a1_secretary") == 3
    assert PointDay.objects.get(member=world.members["a1_member"]).day == day  # the day of the study
    training_services.group_study_delete(actor=world.users["secretary"], study=study)
    assert not PointDay.objects.exists()
    klass = training_services.class_create(actor=world.users["a_admin"], org=world.district_a, title="书记轮训班",
                                           target="all", cycle_start=YEAR, cycle_end=YEAR,
                                           starts=TODAY.replace(month=1, day=1), ends=TODAY.replace(month=12, day=31))
    training_services.enrol(actor=world.users["a_admin"], klass=klass, members=[world.members["a1_member"]])
    training_services.session_record(actor=world.users["a_admin"], klass=klass, held_on=day, topic="党章",
                                     hours=Decimal("3"), present=[world.members["a1_member"]])
    assert points_of(world, activity="training") == 3
    counted_equal_recount()


# --- the ranking --------------------------------------------------------------------------------


def give(world, key, points_count, org=None):
    member = world.members[key]
    services.award(member_id=member.pk, org_id=(org or member.org).pk, day=TODAY, activity="practice",
                   units=points_count)


def test_the_branch_ranking_gives_equal_points_equal_rank(world):
    give(world, "a1_member", 3)
    give(world, "a1_secretary", 3)
    places = selectors.ranking(world.branch_a1, YEAR)
    assert [(p.rank, p.points) for p in places] == [(1, 3), (1, 3)]
    give(world, "a1_secretary", 1)
    places = selectors.ranking(world.branch_a1, YEAR)
    assert [(p.rank, p.member.name, p.points) for p in places] == [(1, "李建国", 4), (2, "张秀英", 3)]
    assert selectors.children_points([world.district_a, world.street_a, world.district_b], YEAR) == {
        world.district_a.pk: 7, world.street_a.pk: 7, world.district_b.pk: 0}


def test_an_org_admin_switches_the_ranking_off_for_the_subtree(world):
    give(world, "a1_member", 2)
    org_services.setting_set(actor=world.users["a_admin"], org=world.district_a, key="points_ranking", value=False)
    assert not selectors.ranking_enabled(world.branch_a1)  # inherited down the tree
    assert selectors.ranking_enabled(world.branch_b1)
    assert AuditEntry.objects.filter(action="org.setting_set").count() == 1
    page = world.client("member").get(f"/points/orgs/{world.branch_a1.pk}/").content.decode()
    assert "已关闭积分排名" in page and "张秀英" not in page
    body = api_client("member").get(f"/api/v1/points/orgs/{world.branch_a1.pk}/ranking").json()
    assert body["enabled"] is False and body["places"] == []
    # The branch's secretary (org.change on the branch) switches it back on for the branch only.
    response = world.client("secretary").post(f"/points/orgs/{world.branch_a1.pk}/switch/", {"enabled": "1"})
    assert response.status_code == 302
    assert selectors.ranking_enabled(world.branch_a1) and not selectors.ranking_enabled(world.branch_a2)
    assert "张秀英" in world.client("member").get(f"/points/orgs/{world.branch_a1.pk}/").content.decode()


@pytest.mark.parametrize("key, value, field", [
    ("points_ranking", "no", "value"),  # a string for a yes/no setting
    ("points_ranking", 0, "value"),
    ("no_such_setting", True, "key"),
])
def test_a_malformed_setting_is_refused_and_nothing_written(world, key, value, field):
    with pytest.raises(ValidationError) as info:
        org_services.setting_set(actor=world.users["a_admin"], org=world.district_a, key=key, value=value)
    assert field in info.value.message_dict
    assert not OrgSetting.objects.exists()


def test_a_setting_outside_ones_subtree_is_not_found(world):
    with pytest.raises(NotFound):
        org_services.setting_set(actor=world.users["a_admin"], org=world.district_b, key="points_ranking", value=False)
    with pytest.raises(NotFound):  # a member holds no org.change
        services.ranking_set(actor=world.users["member"], org=world.branch_a1, enabled=False)
    assert not OrgSetting.objects.exists()


# --- pages and API ------------------------------------------------------------------------------


def test_the_member_sees_points_beside_hours_and_the_rule_table(world):
    give(world, "a1_member", 4)
    learning = world.client("member").get("/learning/").content.decode()
    assert 'id="my-points"' in learning and "<strong>4</strong> 分" in learning
    page = world.client("member").get("/points/").content.decode()
    assert "每答对一题得1分" in page and "4 / 5" in page  # today's points against the cap
    body = api_client("member").get("/api/v1/points/mine").json()
    assert body["total"] == 4 and {"activity": "practice", "label": "每日一练", "year_points": 4, "today_points": 4,
                                   "daily_cap": 5} in body["activities"]
    rules_body = api_client("member").get("/api/v1/points/rules").json()
    assert [r["activity"] for r in rules_body] == [a.code for a in rules.ACTIVITIES]


def test_the_secretary_sees_points_in_the_progress_table_and_the_ranking(world):
    give(world, "a1_member", 5)
    progress = world.client("secretary").get(f"/learning/orgs/{world.branch_a1.pk}/progress/").content.decode()
    assert '<td data-label="积分">5</td>' in progress
    body = api_client("secretary").get(f"/api/v1/points/orgs/{world.branch_a1.pk}/ranking").json()
    assert body["places"][0] == {"rank": 1, "member_id": world.members["a1_member"].pk, "name": "张秀英", "points": 5}
    home = world.client("a_admin").get("/points/").content.decode()
    assert "小白楼街道党工委" in home and "学习积分：5 分" in home


def test_out_of_scope_pages_and_api_are_not_found(world):
    give(world, "a1_member", 2)
    other = world.client("b_admin")
    for url in (f"/points/orgs/{world.branch_a1.pk}/", f"/points/orgs/{world.street_a.pk}/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/points/orgs/{world.branch_a1.pk}/switch/", {"enabled": "0"}).status_code == 404
    # A member sees their own branch's ranking, not another branch's, and switches nothing.
    member = world.client("member")
    assert member.get(f"/points/orgs/{world.branch_a2.pk}/").status_code == 404
    assert member.get(f"/points/orgs/{world.street_a.pk}/").status_code == 404
    assert member.post(f"/points/orgs/{world.branch_a1.pk}/switch/", {"enabled": "0"}).status_code == 404
    assert world.client("outsider").get("/points/").status_code == 404
    api = api_client("b_admin")
    assert api.get(f"/api/v1/points/orgs/{world.branch_a1.pk}/ranking").status_code == 404
    assert api.put(f"/api/v1/points/orgs/{world.branch_a1.pk}/ranking", {"enabled": False},
                   content_type="application/json").status_code == 404
    assert api.get("/api/v1/points/mine").status_code == 404  # no member record
    assert api_client("member").put(f"/api/v1/points/orgs/{world.branch_a1.pk}/ranking", {"enabled": False},
                                    content_type="application/json").status_code == 404
    assert api_client("outsider").get("/api/v1/points/rules").status_code == 200  # the published table
    assert not OrgSetting.objects.exists()
    assert PointMemberYear.objects.get().points == 2 and PointOrgYear.objects.get().points == 2


def test_a_malformed_year_shows_this_year(world):
    give(world, "a1_member", 1)
    page = world.client("member").get("/points/?year=abc").content.decode()
    assert f"{YEAR}年我的积分" in page
    assert api_client("member").get("/api/v1/points/mine?year=abc").status_code == 422
