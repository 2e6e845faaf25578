"""Class hours (学时, issue 16.3): online + lectures + offline against 32 / 56, the local setting
inherited down the tree, the list of who is behind, and the roll-ups from the summary rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from learning import rules, selectors, services
from learning.models import StudyDay, StudyOrgYear
from orglife import services as orglife
from orglife.models import MeetingKind
from orglife.tests.helpers import record
from orgs import services as orgs
from orgs.models import OrgSetting

pytestmark = pytest.mark.django_db


def study(world, item, member_key, seconds, day=None):
    """Study rows as the heartbeats leave them, with their summary (test data, not a workflow)."""
    from core import summaries

    member = world.members[member_key]
    day = day or timezone.localdate()
    StudyDay.objects.create(member=member, item=item, org=member.org, day=day, seconds=seconds)
    summaries.add(StudyOrgYear, {"org_id": member.org_id, "year": day.year}, seconds=seconds)


def test_a_members_year_adds_online_study_lectures_and_offline_hours(world, article):
    study(world, article, "a1_member", 4 * rules.SECONDS_PER_HOUR)
    lecture = record(world, kind=MeetingKind.LECTURE, lecturer="李建国", attendees=("a1_member",))
    orglife.meeting_submit(actor=world.users["secretary"], meeting=lecture)
    services.offline_hours_record(actor=world.users["secretary"], member=world.members["a1_member"],
                                  day=timezone.localdate(), hours=Decimal("3.5"), subject="党校培训", evidence="证书")
    hours = selectors.member_hours(world.members["a1_member"], timezone.localdate().year)
    assert (hours.online, hours.lectures, hours.offline) == (Decimal("4.0"), Decimal("2"), Decimal("3.5"))
    assert hours.total == Decimal("9.5") and hours.required == 32 and hours.behind


def test_a_draft_lecture_and_last_years_study_do_not_count(world, article):
    study(world, article, "a1_member", rules.SECONDS_PER_HOUR, day=date(timezone.localdate().year - 1, 12, 31))
    record(world, kind=MeetingKind.LECTURE, lecturer="李建国", attendees=("a1_member",))  # a draft
    hours = selectors.member_hours(world.members["a1_member"], timezone.localdate().year)
    assert hours.total == 0


def test_secretaries_and_committee_members_owe_56(world):
    orgs.term_create(actor=world.users["a_admin"], org=world.branch_a1, started=date(2024, 1, 1),
                     members=[("secretary", "李建国")])
    year = timezone.localdate().year
    assert selectors.member_hours(world.members["a1_secretary"], year).required == 56
    assert selectors.member_hours(world.members["a1_member"], year).required == 32


def test_the_requirement_is_a_local_setting_inherited_down_the_tree(world):
    OrgSetting.objects.create(org=world.district_a, key="learning_hours_member", value=40)
    year = timezone.localdate().year
    assert selectors.member_hours(world.members["a1_member"], year).required == 40
    assert selectors.member_hours(world.members["b1_member"], year).required == 32


def test_the_progress_lists_those_behind_first(world, article):
    study(world, article, "a1_secretary", 33 * rules.SECONDS_PER_HOUR)
    rows = selectors.org_progress(world.branch_a1, timezone.localdate().year)
    assert [(m.name, h.behind) for m, h in rows] == [("张秀英", True), ("李建国", False)]


def test_roll_ups_add_the_subtree_from_the_summary_rows(world, article):
    study(world, article, "a1_member", rules.SECONDS_PER_HOUR)
    study(world, article, "a2_member", 2 * rules.SECONDS_PER_HOUR)
    study(world, article, "b1_member", 4 * rules.SECONDS_PER_HOUR)
    year = timezone.localdate().year
    assert selectors.org_year_hours(world.branch_a1, year) == 1
    assert selectors.org_year_hours(world.street_a, year) == 3
    assert selectors.org_year_hours(world.district_a, year) == 3
    assert selectors.org_year_hours(world.city, year) == 7
    children = dict(selectors.children_hours(world.city, [world.district_a, world.district_b], year))
    assert children == {world.district_a: 3, world.district_b: 4}
    # The roll-up reads the summary, not the study rows.
    StudyDay.objects.all().delete()
    assert selectors.org_year_hours(world.city, year) == 7
    assert selectors.org_year_hours(world.city, year - 1) == 0


def test_required_courses_follow_the_target_group_and_year(world, course):
    secretaries = services.course_create(actor=world.users["city_admin"], org=world.city, title="书记必修",
                                         required_for="secretaries", year=course.year)
    year = course.year
    member = world.members["a1_member"]
    assert list(selectors.required_courses(world.users["member"], member, year)) == [course]
    orgs.term_create(actor=world.users["a_admin"], org=world.branch_a1, started=date(2024, 1, 1),
                     members=[("secretary", "李建国")])
    got = set(selectors.required_courses(world.users["secretary"], world.members["a1_secretary"], year))
    assert got == {course, secretaries}


def test_the_phone_view_shows_where_the_member_stopped_and_the_required_courses(world, article, course):
    from django.urls import reverse

    StudyDay.objects.create(member=world.members["a1_member"], item=article, org=world.branch_a1,
                            day=timezone.localdate(), seconds=120, position=0)
    page = world.client("member").get(reverse("learning:home")).content.decode()
    assert 'id="resume"' in page and article.title in page
    assert f'id="course-{course.pk}"' in page and "全体党员" in page


def test_the_progress_page_reads_a_fixed_number_of_queries(world, article, django_assert_max_num_queries):
    from django.urls import reverse

    from core.access import clear_scope_cache

    client = world.client("secretary")
    url = reverse("learning:progress", args=[world.branch_a1.pk])
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    for n in range(20):
        from members import services as member_services
        from members.models import MemberStatus

        member_services.member_create(actor=world.users["city_admin"], org=world.branch_a1, name=f"党员{n}",
                                      id_number=_id(n), status=MemberStatus.FULL, joined=date(2010, 7, 1))
    clear_scope_cache(world.users["secretary"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def _id(n: int) -> str:
    from core import idcard

    body = f"12010119800101{n:03d}"
    return body + idcard.check_char(body)


def test_the_secretarys_workbench_lists_those_behind_from_the_third_quarter(world, article):
    from insights import selectors as insights

    year = timezone.localdate().year
    study(world, article, "a1_secretary", 33 * rules.SECONDS_PER_HOUR)
    assert insights.study_behind(world.branch_a1, date(year, 6, 30)) == []
    summer = insights.study_behind(world.branch_a1, date(year, 8, 1))
    assert [(i.text.split("：")[0], i.level) for i in summer] == [("张秀英", "yellow")]
    assert insights.study_behind(world.branch_a1, date(year, 11, 1))[0].level == "red"
    page = world.client("secretary").get("/").content.decode()
    assert "学时不足的党员" in page
