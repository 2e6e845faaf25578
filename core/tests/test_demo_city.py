"""`dangjian demo --scale city` at a tiny size: every part is built, the summaries agree with the
records, the dates obey the rules, it refuses a non-empty database, and the admins' pages answer."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from accounts.models import User
from care.models import CareVisit
from core import idcard, summaries
from core.crypto import get_provider
from core.dates import add_months
from core.models import AuditEntry
from dangjian.bench_pages import pages_of
from dangjian.testing import shared_fixture
from members.models import Member, MemberStatus
from members.selectors import voting_members
from orglife import rules as orglife_rules
from orglife import selectors as orglife_selectors
from orglife.models import Meeting
from orgs.models import Org
from points.models import PointDay
from portal.models import Article, ArticleView
from recruitment import rules as recruitment_rules
from recruitment.models import Case, CaseStatus, Notice, Person, Step
from training.models import Enrolment, GroupStudy
from transfers.models import Letter, LetterState

ORGS, MEMBERS = 600, 6000


def load_city() -> str:
    out = io.StringIO()
    call_command("demo", scale="city", orgs=ORGS, members=MEMBERS, stdout=out)
    return out.getvalue()


# Loaded once for the module's tests (dangjian.testing.SharedData); each test's writes are rolled back.
city = shared_fixture("city", load_city)


@pytest.mark.django_db
def test_it_builds_every_part_with_a_line_per_stage(city):
    assert abs(Org.objects.count() - ORGS) <= 1
    assert Org.objects.filter(depth=2).count() == 16
    district_sizes = {Org.objects.filter(path__startswith=d.path).count() for d in Org.objects.filter(depth=2)}
    assert len(district_sizes) > 4  # uneven districts
    assert Member.objects.count() >= MEMBERS
    for model in (Meeting, Case, Step, Letter, CareVisit, Article, ArticleView, GroupStudy, Enrolment, PointDay):
        assert model.objects.exists(), model
    assert AuditEntry.objects.filter(action="demo.load").exists()
    for label in ("党组织", "党员", "会议记录", "发展党员案例", "组织关系介绍信", "走访慰问", "党费", "学习测试答卷",
                  "集中学习和培训班", "学习积分", "在职党员到社区报到", "群众点单", "督导检查和巡查整改", "五好党支部考评", "述职评议", "后进党组织整顿", "国企党建工作台账", "资讯文章", "汇总表重建", "季度通报"):
        assert label in city and "用时" in city


@pytest.mark.django_db
def test_each_district_has_in_service_branches_whose_members_check_in_and_serve_orders(city):
    """orgs/city.py: about a fifth of the branches are organs', institutions' and SOEs', under each
    district's organ working committee (…JG) and state-assets committee (…GZ); every community keeps
    its first branch. Their members check in (community/demo.py) and the communities with confirmed
    check-ins get residents' orders (orders/demo.py), in every state."""
    from community.models import CheckIn, CheckInState, ServiceRecord
    from community.rules import IN_SERVICE_SECTORS
    from orders.models import OrderState, ServiceOrder
    from orgs.models import OrgKind, OrgLevel

    branches = Org.objects.filter(kind=OrgKind.BRANCH)
    in_service = branches.filter(sector__in=IN_SERVICE_SECTORS)
    assert 0.15 < in_service.count() / branches.count() < 0.3
    for district in Org.objects.filter(depth=2):
        assert Org.objects.filter(code=f"{district.code}JG", depth=3, path__startswith=district.path).exists()
        assert Org.objects.filter(code=f"{district.code}GZ", depth=3, path__startswith=district.path).exists()
    for community in Org.objects.filter(level=OrgLevel.COMMUNITY):
        assert Org.objects.filter(code=f"{community.code}B01", kind=OrgKind.BRANCH).exists()
    assert Org.objects.filter(code="HP01C01B01").exists()
    assert in_service.filter(code__startswith="HPJG").exists() and in_service.filter(code__startswith="HPGZ").exists()
    checkins = CheckIn.objects.all()
    assert checkins.count() > 0 and checkins.filter(state=CheckInState.CONFIRMED).exists()
    assert not checkins.exclude(unit__sector__in=IN_SERVICE_SECTORS).exists()
    assert not checkins.exclude(community__level=OrgLevel.COMMUNITY).exists()
    assert ServiceRecord.objects.exists()
    orders = ServiceOrder.objects.all()
    assert orders.count() == round(50_000 * MEMBERS / 1_000_000)
    assert set(orders.values_list("state", flat=True)) == set(OrderState.values)


@pytest.mark.django_db
def test_every_compliance_colour_appears_among_the_holders(city):
    today = timezone.localdate()
    root = Org.objects.get(code="TJ")
    colours = set()
    for month in (today.replace(day=1), (today.replace(day=1) - timedelta(days=1)).replace(day=1)):
        items = orglife_selectors.compliance_items(root, month=month, today=today)
        colours |= {item.status for holder_items in items.values() for item in holder_items}
    assert {orglife_rules.GREEN, orglife_rules.YELLOW, orglife_rules.RED} <= colours


@pytest.mark.django_db
def test_recruitment_cases_at_every_step_follow_the_rules(city):
    today = timezone.localdate()
    assert set(Case.objects.values_list("last_step", flat=True)) == set(range(1, 26))
    assert Case.objects.filter(due_on__lt=today).exists()  # some overdue
    assert Case.objects.filter(warn_on__lte=today, due_on__gte=today).exists()  # some due soon
    assert Case.objects.filter(status=CaseStatus.CLOSED).exists()
    for case in Case.objects.select_related("org").prefetch_related(
            "steps", "notices", "reviews", "prereviews", "votes", "people__member"):
        dates = {s.number: s.done_on for s in case.steps.all()}
        assert max(dates) == case.last_step and dates[1] == case.applied
        ordered = [dates[n] for n in sorted(dates)]
        assert ordered == sorted(ordered) and ordered[-1] < today
        if 3 in dates:
            assert dates[3] >= add_months(case.applied, 6)
        if 7 in dates:
            assert dates[7] >= add_months(dates[3], 12)
        _replay(case, today)


def _replay(case: Case, today) -> None:
    """The case's records in the order they were made, each through the checks its service makes
    (services.case_create, step_record, review_record, prereview_record, vote_record, notice_publish),
    then the fields the services derive (status, stage, deadlines)."""
    rules = recruitment_rules
    recruitment_rules.check_age(case.birth_date, case.applied)
    steps = sorted(case.steps.all(), key=lambda s: (s.done_on, s.number))
    events = [(s.done_on, 0, s) for s in steps] + [(n.starts_on, 1, n) for n in case.notices.all()]
    hist = rules.History()
    then = Case(org=case.org, applied=case.applied, status=CaseStatus.OPEN, admitted=case.admitted,
                probation_ends=case.probation_ends)
    people = {}
    for person in case.people.all():
        people.setdefault(person.role, []).append(person.member)
    for _day, _order, row in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(row, Notice):  # services.notice_publish
            assert rules.check_notice_length(case.org, row.starts_on, row.ends_on) == row.workdays >= 5
            after = rules.NOTICE_AFTER[row.kind]
            assert hist.done(after) and not hist.done(row.kind) and row.starts_on >= hist.last(after)
            hist.notices.insert(0, row)
            continue
        n, d = row.number, row.done_on
        if n == 1:
            rules.check_date(d, today)
        elif n == 10:  # services.review_record
            rules.check_date(d, today)
            rules.check_status(then, 10)
            rules.check_sequence(hist, 10, d)
            review = case.reviews.get()
            assert review.concluded_on == d and review.conclusion == "passed"
            hist.reviews.insert(0, review)
        else:
            if n == 13:
                prereview = case.prereviews.get()
                assert prereview.reviewed_on == d and prereview.result == "passed"
                assert prereview.received_on >= hist.first(12)
            rules.check_step(then, hist, n, d, today=today)
            if n in (15, 23):  # services.vote_record
                vote = case.votes.get(purpose=n)
                assert vote.held_on == d and vote.passed and vote.passed == vote.compute_passed()
                rules.check_vote(vote, "passed")
                rules.check_entitled(vote, vote.roster)
                assert vote.roster == _roster(case, d)
                if n == 15:
                    rules.check_branch_size(Member.objects.filter(org=case.org, status="full").count(), 15)
                hist.votes.insert(0, vote)
            if n in (5, 9):
                chosen = people[Person.Role.MENTOR if n == 5 else Person.Role.SPONSOR]
                rules.check_people(n, chosen)
                assert {m.org_id for m in chosen} == {case.org_id}
                voters = set(voting_members(case.org, d).values_list("pk", flat=True))
                assert {m.pk for m in chosen} <= voters  # full members of the branch on the day
            if n == 11:
                rules.check_training(row.training_days, row.training_hours)
            if n == 13:
                hist.prereviews.insert(0, prereview)
            if n == 17:
                rules.check_approval_time(hist, d, "")  # within 3 months: no reason needed
        hist.steps.setdefault(n, []).append(row)
        if n == 17:
            then.status = CaseStatus.PROBATIONARY
        elif n == 24:
            then.status = CaseStatus.FULL
        elif n == 25:
            then.status = CaseStatus.ARCHIVED
    if case.status != CaseStatus.CLOSED:
        assert case.status == then.status
        assert (case.warn_on, case.due_on) == rules.warn_and_due(case, hist)
    assert case.stage == rules.stage_of(hist)
    assert not case.objections.exists()


def _roster(case: Case, day) -> int:
    """Who voted on ``day`` as the roster stood then (services.vote_record): the branch's full
    members with a vote (members.selectors.voting_members), less those whose conversion (㉔) was
    approved only on or after the day (probationary then)."""
    later = Step.objects.filter(number=24, done_on__gte=day).values("case__member")
    return voting_members(case.org, day).exclude(pk__in=later).count()


@pytest.mark.django_db
def test_probationary_and_full_cases_have_their_member(city):
    cases = Case.objects.filter(last_step__gte=17).select_related("member")
    assert {c.last_step for c in cases} == set(range(17, 26))
    provider = get_provider()
    for case in cases:
        member = case.member
        assert member is not None and member.org_id == case.org_id and member.name == case.name
        assert provider.decrypt(member.id_number_cipher) == provider.decrypt(case.id_number_cipher)
        assert member.joined == case.admitted == case.steps.get(number=15).done_on
        assert case.approved == case.steps.get(number=17).done_on
        assert case.probation_ends == recruitment_rules.probation_end(case.admitted, case.extension_months)
        assert member.applied == case.applied
        if case.last_step < 24:
            assert case.status == CaseStatus.PROBATIONARY and member.status == MemberStatus.PROBATIONARY
            assert member.converted is None and case.converted is None
        else:
            assert case.status == (CaseStatus.FULL if case.last_step == 24 else CaseStatus.ARCHIVED)
            assert member.status == MemberStatus.FULL and member.converted == case.converted == case.probation_ends
        kinds = set(member.events.values_list("kind", flat=True))
        assert {"create", "recruitment"} <= kinds
    assert not Case.objects.filter(last_step__lt=17, member__isnull=False).exists()


@pytest.mark.django_db
def test_a_few_probations_are_extended_as_the_services_extend_them(city):
    extended = Case.objects.filter(extension_months__isnull=False).select_related("org", "member")
    assert extended.exists()
    for case in extended:
        assert case.last_step >= 21 and case.extension_months == 6
        event = case.member.events.get(summary__startswith="延长预备期")
        decided = event.occurred
        # services.case_extend on the day it was decided, the probation as it stood before
        before = Case(org=case.org, status=CaseStatus.PROBATIONARY, admitted=case.admitted,
                      probation_ends=recruitment_rules.probation_end(case.admitted))
        recruitment_rules.check_extension(before, case.extension_months, decided)
        assert f"至 {case.probation_ends:%Y-%m-%d}" in event.summary
        assert not case.steps.filter(number__gte=22, done_on__lte=decided).exists()
        assert case.steps.filter(number=21, done_on__gt=decided).exists()  # assessed during the extension


@pytest.mark.django_db
def test_records_obey_the_platforms_rules(city):
    today = timezone.localdate()
    provider = get_provider()
    for member in Member.objects.order_by("?")[:200]:
        number = provider.decrypt(member.id_number_cipher)
        assert idcard.check_char(number[:17]) == number[17] and idcard.birth_date(number) == member.birth_date
    assert Member.objects.values("id_number_index").distinct().count() == Member.objects.count()
    assert not Meeting.objects.filter(held_on__gte=today).exists()
    assert not Meeting.objects.filter(held_on__lt=date(today.year - 1, 1, 1)).exists()
    assert Meeting.objects.filter(held_on__month=1, held_on__year=today.year - 1).exists()
    for letter in Letter.objects.select_related("member"):
        assert letter.from_org_id != letter.to_org_id and letter.issued_on <= today
        assert (letter.valid_until - letter.issued_on).days < 92
        # A received letter moved the member; a waiting one has not yet.
        here = letter.to_org_id if letter.state == LetterState.RECEIVED else letter.from_org_id
        assert letter.member.org_id == here


@pytest.mark.django_db
def test_last_year_s_annual_report_states_the_article_s_lectures_by_secretaries_for_the_city_s_size(city):
    """Calibrated: 5.9万 lectures by secretaries a year per million members (seed-figures.md), so
    the full city's report states 5.9万; this one, a 6,000-member city, 354."""
    from insights import report as annual_report

    year = timezone.localdate().year - 1
    report = annual_report.annual(Org.objects.get(depth=1), year)
    assert report.figures["lectures_by_secretary"].value == round(59_000 * MEMBERS / 1_000_000) == 354
    assert "书记讲党课354次" in dict(report.paragraphs)["组织生活"]
    direct = Meeting.objects.filter(kind="lecture", by_secretary=True, held_on__year=year).count()
    assert direct == 354
    assert Meeting.objects.filter(kind="lecture", held_on__year=year, by_secretary=False).exists()


@pytest.mark.django_db
def test_every_member_has_this_year_s_dues_and_a_few_are_behind(city):
    from dues import rules as dues_rules
    from dues import selectors as dues_selectors
    from dues.models import DuesPayment, DuesStanding, DuesYear
    from members.models import ACTIVE_STATUSES

    today = timezone.localdate()
    active = Member.objects.filter(status__in=ACTIVE_STATUSES).count()
    assert DuesYear.objects.filter(year=today.year, confirmed_on__isnull=False).count() == active
    assert DuesStanding.objects.count() == active
    for payment in DuesPayment.objects.select_related("member__dues_standing")[:200]:
        assert payment.last_month == payment.member.dues_standing.paid_up_to
        assert payment.paid_on <= today and payment.months == 3
    counts = dues_selectors.behind_counts(Org.objects.get(depth=1), today=today)
    assert counts["yellow"] > 0 and counts["red"] > 0
    # the same counts from the members' standings, one by one
    owed = [dues_rules.months_behind(paid_up_to=s.paid_up_to, first_due=s.first_due, today=today)
            for s in DuesStanding.objects.all()]
    assert counts["red"] == sum(1 for n in owed if n >= 5)
    assert counts["yellow"] == sum(1 for n in owed if 3 <= n < 5)


@pytest.mark.django_db
def test_the_summaries_agree_with_the_records(city):
    assert not [d for d in summaries.check() if d]


@pytest.mark.django_db
def test_it_refuses_a_non_empty_database(city):
    before = Org.objects.count()
    with pytest.raises(CommandError, match="空数据库"):
        call_command("demo", scale="city", orgs=ORGS, members=MEMBERS, stdout=io.StringIO())
    assert Org.objects.count() == before


@pytest.mark.django_db
def test_it_refuses_outside_the_demo_mode(settings):
    settings.INVENTED_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("demo", scale="city", orgs=ORGS, members=MEMBERS, stdout=io.StringIO())
    assert not Org.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "depth"), [("city_admin", 1), ("heping_admin", 2)])
def test_the_admins_pages_answer(city, username, depth):
    user = User.objects.get(username=username)
    assert user.grants.get().org.depth == depth
    client = Client()
    client.force_login(user)
    pages = [(label, url) for label, url in pages_of(username, user) if not url.startswith("/api/")]  # token only
    assert len(pages) >= 8
    for label, url in pages:
        assert client.get(url).status_code == 200, (label, url)


@pytest.mark.django_db
def test_the_district_admin_gets_404_outside_the_district(city):
    client = Client()
    client.force_login(User.objects.get(username="heping_admin"))
    other = Member.objects.exclude(org__path__startswith=Org.objects.get(code="HP").path).first()
    assert client.get(f"/members/{other.pk}/").status_code == 404
    elsewhere = Case.objects.exclude(org__path__startswith=Org.objects.get(code="HP").path).first()
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_case_page_at_every_step_answers(city):
    client = Client()
    client.force_login(User.objects.get(username="city_admin"))
    for step in range(1, 26):
        case = Case.objects.filter(last_step=step).first()
        response = client.get(case.get_absolute_url())
        assert response.status_code == 200, step
        assert case.name in response.content.decode()
