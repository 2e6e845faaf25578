"""述职评议 as the services enforce it: a round of the city over its districts, reviewer groups
with weights adding up to 100, one rating per reviewer and subject (never outside one's group,
never one's own report, only while the round is open), the result computed on closing with the
published arithmetic and written to the secretary's timeline, the feedback and its follow-ups.
Every refusal is in Chinese and writes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.audit import AuditEntry
from core.errors import NotFound
from members.models import MemberEvent
from orgs import services as org_services
from reviews import rules, services
from reviews.models import (
    FollowUp,
    Rating,
    ReportRound,
    ReportSubject,
    Reviewer,
    ReviewerGroup,
    RoundState,
)

pytestmark = pytest.mark.django_db


def make_round(world, *, subjects=None, year=None) -> ReportRound:
    """The city's round over its two districts; 和平区's secretary is the demo secretary (李建国)."""
    term = org_services.term_create(actor=world.users["city_admin"], org=world.district_a, started=date(2024, 1, 1),
                                    members=[("secretary", "李建国")])
    term.members.update(member=world.members["a1_secretary"])  # the post linked to the archive
    return services.round_save(actor=world.users["city_admin"], org=world.city, year=year or timezone.localdate().year,
                               title="年度党组织书记抓基层党建工作述职评议",
                               subjects=subjects or [world.district_a, world.district_b])


def add_groups(world, round, *, leaders=("city_admin", "a_admin"), secretaries=("secretary", "member"),
               weights=(60, 40)):
    admin = world.users["city_admin"]
    first = services.group_save(actor=admin, round=round, name="市委常委", weight=weights[0], reviewers=list(leaders))
    second = services.group_save(actor=admin, round=round, name="基层党组织书记", weight=weights[1],
                                 reviewers=list(secretaries))
    return first, second


def open_round(world) -> ReportRound:
    round = make_round(world)
    add_groups(world, round)
    return services.round_open(actor=world.users["city_admin"], round=round)


def subject_of(round, org) -> ReportSubject:
    return round.subjects.get(org=org)


def rate(world, subject, username, grade):
    return services.rating_submit(actor=world.users[username], subject=subject, grade=grade)


def rate_all(world, round):
    """和平区: 好, 较好 | 一般 (its secretary abstains) → 78.00 较好; 河西区: 好, 好 | 差, 较好 → 84.00 较好."""
    hp, hx = subject_of(round, world.district_a), subject_of(round, world.district_b)
    for username, grade in (("city_admin", "good"), ("a_admin", "fair"), ("member", "average")):
        rate(world, hp, username, grade)
    for username, grade in (("city_admin", "good"), ("a_admin", "good"), ("secretary", "poor"), ("member", "fair")):
        rate(world, hx, username, grade)
    return hp, hx


def refused(call, message: str, *models):
    """The call is refused with ``message`` and no row of ``models`` is written, no audit entry."""
    before = [m.objects.count() for m in models] + [AuditEntry.objects.count()]
    with pytest.raises(ValidationError) as caught:
        call()
    assert message in " ".join(caught.value.messages), caught.value.messages
    assert [m.objects.count() for m in models] + [AuditEntry.objects.count()] == before


# --- the arithmetic ---------------------------------------------------------------------------------


def test_points_and_thresholds_are_the_published_ones():
    assert rules.POINTS == {"good": 100, "fair": 80, "average": 60, "poor": 40}
    assert [rules.grade_for(Decimal(v)) for v in ("90", "89.99", "75", "74.99", "60", "59.99")] == [
        "good", "fair", "fair", "average", "average", "poor"]


def test_the_score_weights_each_groups_average():
    # 60% × (100 + 80) / 2 + 40% × 60 = 54 + 24
    assert rules.score([(1, 60, "good"), (1, 60, "fair"), (2, 40, "average")]) == Decimal("78.00")


def test_the_score_rounds_half_up_to_two_places():
    # 70% × (100 + 80 + 80) / 3 + 30% × 40 = 60.6666… + 12 = 72.6666… → 72.67
    assert rules.score([(1, 70, "good"), (1, 70, "fair"), (1, 70, "fair"), (2, 30, "poor")]) == Decimal("72.67")
    # 33% × 86.666… + 67% × 60 = 28.6 + 40.2
    assert rules.score([(1, 33, "good"), (1, 33, "fair"), (1, 33, "fair"), (2, 67, "average")]) == Decimal("68.80")


def test_a_group_without_ratings_is_left_out_and_the_others_renormalised():
    # Only the 60% group rated: its average alone, not 60% of it.
    assert rules.score([(1, 60, "good"), (1, 60, "fair")]) == Decimal("90.00")
    assert rules.score([]) is None


# --- preparing and opening a round -------------------------------------------------------------------


def test_a_round_reviews_the_direct_children_with_their_current_secretary(world):
    round = make_round(world)
    hp = subject_of(round, world.district_a)
    assert hp.secretary_name == "李建国" and hp.secretary == world.members["a1_secretary"]
    assert subject_of(round, world.district_b).secretary is None
    assert AuditEntry.objects.filter(action="reviews.round_save").exists()


def test_a_subject_must_be_a_direct_child(world):
    refused(lambda: services.round_save(actor=world.users["city_admin"], org=world.city, year=2026, title="述职",
                                        subjects=[world.street_a]),
            "须是中共天津市委员会的直接下级党组织", ReportRound, ReportSubject)


def test_one_round_per_org_and_year(world):
    make_round(world, year=2026)
    refused(lambda: services.round_save(actor=world.users["city_admin"], org=world.city, year=2026, title="又一轮",
                                        subjects=[world.district_a]),
            "已有2026年度的述职评议", ReportRound, ReportSubject)


def test_a_district_admin_cannot_convene_the_city(world):
    with pytest.raises(NotFound):
        services.round_save(actor=world.users["a_admin"], org=world.city, year=2026, title="述职",
                            subjects=[world.district_a])
    assert not ReportRound.objects.exists()


def test_a_user_is_in_at_most_one_group_of_a_round(world):
    round = make_round(world)
    add_groups(world, round)
    refused(lambda: services.group_save(actor=world.users["city_admin"], round=round, name="党代表", weight=10,
                                        reviewers=["member"]),
            "一人只能在一个评议组", ReviewerGroup, Reviewer)


def test_a_reviewer_is_a_member_or_manager_within_the_convening_org(world):
    round = make_round(world)
    refused(lambda: services.group_save(actor=world.users["city_admin"], round=round, name="群众代表", weight=10,
                                        reviewers=["outsider", "nobody"]),
            "没有这些账号：outsider、nobody", ReviewerGroup, Reviewer)


def test_a_round_opens_only_with_weights_adding_up_to_100(world):
    round = make_round(world)
    add_groups(world, round, weights=(60, 30))
    refused(lambda: services.round_open(actor=world.users["city_admin"], round=round),
            "各评议组权重合计须为100%，现为90%", ReportRound)
    assert ReportRound.objects.get().state == RoundState.DRAFT


def test_a_round_opens_only_with_reviewer_groups(world):
    round = make_round(world)
    refused(lambda: services.round_open(actor=world.users["city_admin"], round=round), "还没有评议组", ReportRound)


def test_an_open_round_keeps_its_subjects_and_groups(world):
    round = open_round(world)
    refused(lambda: services.group_save(actor=world.users["city_admin"], round=round, name="党代表", weight=10,
                                        reviewers=["b_admin"]),
            "述职评议评议中，不能再修改", ReviewerGroup, Reviewer)
    refused(lambda: services.round_save(actor=world.users["city_admin"], org=world.city, year=round.year,
                                        title="改名", subjects=[world.district_a], round=round),
            "述职评议评议中，不能再修改", ReportSubject)


# --- rating --------------------------------------------------------------------------------------------


def test_a_reviewer_rates_a_subject_once(world):
    round = open_round(world)
    hp = subject_of(round, world.district_a)
    rating = rate(world, hp, "a_admin", "fair")
    assert rating.reviewer.group.name == "市委常委" and rating.grade == "fair"
    refused(lambda: rate(world, hp, "a_admin", "good"), rules.RATED_ALREADY, Rating)
    assert Rating.objects.get().grade == "fair"


def test_someone_outside_the_review_groups_cannot_rate(world):
    round = open_round(world)
    refused(lambda: rate(world, subject_of(round, world.district_a), "b_admin", "good"), "不在本轮评议组内", Rating)


def test_nobody_rates_their_own_report(world):
    round = open_round(world)
    refused(lambda: rate(world, subject_of(round, world.district_a), "secretary", "good"), "不能评议本人的述职", Rating)


def test_nobody_rates_before_the_round_opens(world):
    round = make_round(world)
    add_groups(world, round)
    refused(lambda: rate(world, subject_of(round, world.district_b), "a_admin", "good"), rules.NOT_OPEN, Rating)


def test_a_grade_outside_the_four_is_refused(world):
    round = open_round(world)
    refused(lambda: rate(world, subject_of(round, world.district_b), "a_admin", "excellent"), "请选择好、较好、一般或差",
            Rating)


# --- closing -----------------------------------------------------------------------------------------------


def test_a_round_closes_only_when_every_rating_is_in(world):
    round = open_round(world)
    rate(world, subject_of(round, world.district_a), "city_admin", "good")
    refused(lambda: services.round_close(actor=world.users["city_admin"], round=round),
            "还有6项评议未完成", ReportRound)
    assert ReportRound.objects.get().state == RoundState.OPEN


def test_closing_computes_each_result_and_writes_it_to_the_secretarys_timeline(world):
    round = open_round(world)
    hp, hx = rate_all(world, round)
    services.round_close(actor=world.users["city_admin"], round=round)
    hp.refresh_from_db()
    hx.refresh_from_db()
    assert (hp.score, hp.grade) == (Decimal("78.00"), "fair")
    assert (hx.score, hx.grade) == (Decimal("84.00"), "fair")
    assert ReportRound.objects.get().state == RoundState.CLOSED
    event = MemberEvent.objects.get(member=world.members["a1_secretary"], kind="述职评议")
    assert "综合得分78.00" in event.summary and "较好" in event.summary
    refused(lambda: rate(world, hp, "secretary", "good"), rules.NOT_OPEN, Rating)


def test_a_group_whose_only_reviewer_is_the_secretary_is_renormalised_away(world):
    round = make_round(world)
    add_groups(world, round, secretaries=("secretary",))
    services.round_open(actor=world.users["city_admin"], round=round)
    hp, hx = subject_of(round, world.district_a), subject_of(round, world.district_b)
    for subject in (hp, hx):
        rate(world, subject, "city_admin", "good")
        rate(world, subject, "a_admin", "fair")
    rate(world, hx, "secretary", "poor")
    services.round_close(actor=world.users["city_admin"], round=round)
    hp.refresh_from_db()
    hx.refresh_from_db()
    assert (hp.score, hp.grade) == (Decimal("90.00"), "good")  # 市委常委 alone
    assert (hx.score, hx.grade) == (Decimal("70.00"), "average")  # 60% × 90 + 40% × 40


# --- feedback and follow-ups --------------------------------------------------------------------------------


def closed_round(world):
    round = open_round(world)
    rate_all(world, round)
    return services.round_close(actor=world.users["city_admin"], round=round)


def test_feedback_waits_for_the_result(world):
    round = open_round(world)
    refused(lambda: services.subject_feedback(actor=world.users["city_admin"], subject=subject_of(round, world.district_a),
                                              feedback="问题整改不到位"),
            "评议结果计算后方可反馈", FollowUp)


def test_feedback_with_follow_ups_the_reviewed_org_completes(world):
    round = closed_round(world)
    due = timezone.localdate() + timedelta(days=30)
    hp = services.subject_feedback(actor=world.users["city_admin"], subject=subject_of(round, world.district_a),
                                   feedback="暗访发现支部活动不规范", followups=[("规范三会一课记录", due)])
    followup = FollowUp.objects.get()
    assert followup.org == world.district_a and followup.subject == hp
    with pytest.raises(NotFound):  # 河西区 does not complete 和平区's
        services.followup_done(actor=world.users["b_admin"], followup=followup, note="已完成")
    services.followup_done(actor=world.users["a_admin"], followup=followup, note="已建立台账")
    followup.refresh_from_db()
    assert followup.done_on == timezone.localdate() and followup.done_by == world.users["a_admin"]
    refused(lambda: services.followup_done(actor=world.users["a_admin"], followup=followup, note="又一次"),
            "已填报完成", FollowUp)


def test_a_follow_up_is_due_within_a_year(world):
    round = closed_round(world)
    late = timezone.localdate() + timedelta(days=rules.MAX_FOLLOWUP_DAYS + 1)
    refused(lambda: services.subject_feedback(actor=world.users["city_admin"], subject=subject_of(round, world.district_a),
                                              feedback="意见", followups=[("整改", late)]),
            "整改时限须晚于今天", FollowUp)
    assert ReportSubject.objects.get(org=world.district_a).feedback == ""


def test_the_report_is_written_by_the_reviewed_org_until_the_round_closes(world):
    round = make_round(world)
    hp = subject_of(round, world.district_a)
    services.subject_report(actor=world.users["a_admin"], subject=hp, report="一年来抓基层党建的问题和原因")
    assert ReportSubject.objects.get(pk=hp.pk).report.startswith("一年来")
    with pytest.raises(NotFound):
        services.subject_report(actor=world.users["b_admin"], subject=hp, report="别人的报告")
    refused(lambda: services.subject_report(actor=world.users["a_admin"], subject=hp, report=""),
            "请填写述职报告或上传述职报告文件", ReportSubject)


def records(world) -> dict:
    """A row of every model, for the meta-tests (scoping story, API boundaries and fuzz): the city's
    round over its districts, rated by its 市委常委 (the city's and 和平区's admins), closed, with
    feedback and a follow-up for 和平区."""
    admin = world.users["city_admin"]
    round = services.round_save(actor=admin, org=world.city, year=timezone.localdate().year, title="述职评议",
                                subjects=[world.district_a, world.district_b])
    services.group_save(actor=admin, round=round, name="市委常委", weight=100, reviewers=["city_admin", "a_admin"])
    services.round_open(actor=admin, round=round)
    for subject in round.subjects.all():
        for username in ("city_admin", "a_admin"):
            rate(world, subject, username, "good")
    services.round_close(actor=admin, round=round)
    hp = round.subjects.get(org=world.district_a)
    services.subject_feedback(actor=admin, subject=hp, feedback="整改要见底",
                              followups=[("规范三会一课", timezone.localdate() + timedelta(days=30))])
    return {"report_round": round.pk, "report_subject": hp.pk, "report_followup": FollowUp.objects.get(subject=hp).pk}


def test_the_secretary_is_a_member_of_the_reviewed_org_or_a_name(world):
    round = make_round(world)
    hx = subject_of(round, world.district_b)
    refused(lambda: services.subject_secretary(actor=world.users["city_admin"], subject=hx,
                                               secretary=world.members["a1_member"]),
            "述职人须是中共天津市河西区委员会的党员", ReportSubject)
    services.subject_secretary(actor=world.users["city_admin"], subject=hx, secretary=world.members["b1_member"])
    assert ReportSubject.objects.get(pk=hx.pk).secretary_name == "赵志强"
    services.subject_secretary(actor=world.users["city_admin"], subject=hx, secretary=None, name="王部长")
    hx.refresh_from_db()
    assert (hx.secretary, hx.secretary_name) == (None, "王部长")


def test_a_round_without_subjects_or_with_an_empty_group_does_not_open(world):
    admin = world.users["city_admin"]
    bare = ReportRound.objects.create(org=world.city, year=2019, title="未选述职对象")
    refused(lambda: services.round_open(actor=admin, round=bare), "还没有述职对象，不能开始评议", ReportRound)
    round = make_round(world)
    ReviewerGroup.objects.create(round=round, name="空组", weight=100)
    refused(lambda: services.round_open(actor=admin, round=round), "评议组没有评议人：空组", ReportRound)
    assert ReportRound.objects.get(pk=round.pk).state == RoundState.DRAFT


def test_a_draft_is_not_closed(world):
    round = make_round(world)
    add_groups(world, round)
    refused(lambda: services.round_close(actor=world.users["city_admin"], round=round),
            "述职评议不在评议阶段，不能计算结果", ReportRound, ReportSubject)


def test_a_closed_rounds_report_and_feedback_rules(world):
    round = closed_round(world)
    hp = subject_of(round, world.district_a)
    refused(lambda: services.subject_report(actor=world.users["a_admin"], subject=hp, report="补交"),
            "述职评议已完成，不能再修改述职报告", ReportSubject)
    refused(lambda: services.subject_feedback(actor=world.users["city_admin"], subject=hp, feedback=" "),
            "请填写反馈意见", ReportSubject, FollowUp)
    services.subject_feedback(actor=world.users["city_admin"], subject=hp, feedback="意见",
                              followups=[("整改", timezone.localdate() + timedelta(days=5))])
    followup = FollowUp.objects.get()
    refused(lambda: services.followup_done(actor=world.users["a_admin"], followup=followup, note="已完成",
                                           done_on=timezone.localdate() + timedelta(days=1)),
            "完成日期须在反馈之后、不晚于今天", FollowUp)
    assert FollowUp.objects.get().done_on is None
