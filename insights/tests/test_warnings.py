"""Each warning rule on crafted data, just before and just after its threshold: meetings owed
(red for a period that ended unmet, yellow near its end), recruitment steps due and overdue,
terms due for re-election, members without organizational life (党章第九条), transfer letters
near and past their validity. Each warning cites its rule and links to where the work is done."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.dates import add_months
from insights import rules, selectors
from members.models import Member
from orglife.models import Attendance, AttendanceStatus, MeetingKind
from orglife.tests.helpers import add_full_members, counted
from orgs.models import LeadershipTerm
from recruitment.tests.helpers import id_number, open_case
from transfers.tests.helpers import backdate, issue

pytestmark = pytest.mark.django_db


def of_kind(root, kind, today=None):
    return [w for w in selectors.warnings(root, today or timezone.localdate()) if w.kind == kind]


# --- meetings owed -------------------------------------------------------------------------------


def test_a_theme_day_is_yellow_from_ten_days_before_the_months_end_and_red_once_the_month_ended(world):
    branch = world.branch_a2
    # 21 March: 10 days before the end (yellow); 20 March: 11 days (still pending: no warning).
    yellow = [w for w in of_kind(branch, "meetings", date(2026, 3, 21)) if "主题党日：2026年3月" in w.text]
    assert [w.level for w in yellow] == ["yellow"]
    assert not [w for w in of_kind(branch, "meetings", date(2026, 3, 20)) if "主题党日：2026年3月" in w.text]
    # On 1 April March ended unmet: red, citing 条例第十六条, linking to the compliance page.
    red = [w for w in of_kind(branch, "meetings", date(2026, 4, 1)) if w.text.startswith("主题党日：2026年3月")]
    assert [w.level for w in red] == ["red"]
    assert "第十六条" in red[0].source and red[0].url.endswith(f"?org={branch.pk}")


def test_a_theme_day_held_clears_its_warning(world):
    branch = world.branch_a2
    counted(branch, MeetingKind.THEME_DAY, date(2026, 3, 5))
    assert not [w for w in of_kind(branch, "meetings", date(2026, 4, 1)) if w.text.startswith("主题党日：2026年3月")]
    assert [w for w in of_kind(branch, "meetings", date(2026, 4, 1)) if w.text.startswith("支部党员大会")]


def test_above_a_branch_the_owed_meetings_are_one_line_per_branch(world):
    found = of_kind(world.street_a, "meetings", date(2026, 4, 1))
    assert {w.org.pk for w in found} >= {world.branch_a1.pk, world.branch_a2.pk}
    assert all(w.level == "red" for w in found if w.org.kind == "branch")
    assert world.branch_b1.pk not in {w.org.pk for w in found}  # another district's


# --- recruitment steps ---------------------------------------------------------------------------


def test_the_talk_within_a_month_is_yellow_on_its_last_day_and_red_the_day_after(world):
    today = timezone.localdate()
    on_time = open_case(world, applied=add_months(today, -1), name="按期", number=id_number(seq=21))
    late = open_case(world, applied=add_months(today, -1) - timedelta(days=1), name="逾期", number=id_number(seq=22))
    quiet = open_case(world, applied=add_months(today, -1) + timedelta(days=8), name="未到", number=id_number(seq=23))
    found = of_kind(world.branch_a1, "recruitment")
    selectors.explain(found, today)
    levels = {w.url: w.level for w in found}
    assert levels == {f"/recruitment/{on_time.pk}/": "yellow", f"/recruitment/{late.pk}/": "red"}
    assert f"/recruitment/{quiet.pk}/" not in levels
    assert all(w.source == "细则第七条" and "谈话" in w.text for w in found)
    assert found[0].level == "red"  # red first


# --- terms ---------------------------------------------------------------------------------------


def _term(org, ends):
    return LeadershipTerm.objects.create(org=org, started=ends.replace(year=ends.year - 5), ends=ends)


@pytest.mark.parametrize(("days", "level"), [(-1, "red"), (0, "yellow"), (90, "yellow"), (91, None)])
def test_a_term_is_yellow_from_ninety_days_before_its_end_and_red_once_ended(world, days, level):
    today = timezone.localdate()
    _term(world.street_a, today + timedelta(days=days))
    found = of_kind(world.street_a, "term")
    assert [w.level for w in found] == ([level] if level else [])
    if level:
        assert "任期的意见" in found[0].source and found[0].url == world.street_a.get_absolute_url()


# --- members without organizational life -----------------------------------------------------------


def _attended(member, day):
    meeting = counted(member.org, MeetingKind.THEME_DAY, day)
    Attendance.objects.create(meeting=meeting, member=member, status=AttendanceStatus.PRESENT)


def test_absence_is_yellow_from_four_whole_months_and_red_from_six(world):
    today = timezone.localdate()
    names = {}
    for i, (months, days) in enumerate([(4, 0), (4, -1), (6, 0), (6, -1)]):
        member = add_full_members(world.branch_a2, 1, start=10 + i)[0]
        _attended(member, add_months(today, -months) - timedelta(days=days))
        names[member.name] = (months, days)
    Member.objects.filter(pk=world.members["a2_member"].pk).update(joined=today)  # not counted
    found = {w.text.split("：")[0]: w.level for w in of_kind(world.branch_a2, "absence")}
    # 4 months exactly: yellow; a day short of 4: nothing; 6 exactly: red; a day short of 6: yellow.
    assert found == {"委员10": "yellow", "委员12": "red", "委员13": "yellow"}
    assert all("党章第九条" in w.source for w in of_kind(world.branch_a2, "absence"))


# --- transfer letters ----------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "level"), [(14, "yellow"), (15, None), (0, "yellow")])
def test_a_letter_is_flagged_fourteen_days_before_its_validity_ends(world, days, level):
    today = timezone.localdate()
    letter = issue(world, days=30)
    backdate(letter, issued_on=today - timedelta(days=10), valid_until=today + timedelta(days=days))
    found = of_kind(world.branch_a1, "transfer")
    assert [w.level for w in found] == ([level] if level else [])
    if level:
        assert found[0].url == letter.get_absolute_url() and "45号" in found[0].source


def test_an_expired_letter_is_yellow_and_six_months_without_report_red(world):
    today = timezone.localdate()
    letter = issue(world, days=30)
    backdate(letter, issued_on=today - timedelta(days=40), valid_until=today - timedelta(days=1))
    assert [w.level for w in of_kind(world.branch_a1, "transfer")] == ["yellow"]
    backdate(letter, issued_on=add_months(today, -6), valid_until=add_months(today, -3))
    found = of_kind(world.branch_a1, "transfer")
    assert [w.level for w in found] == ["red"] and "第九条" in found[0].source


# --- the list ------------------------------------------------------------------------------------


def test_the_list_is_red_first_and_each_cites_a_source(world):
    today = timezone.localdate()
    _term(world.branch_a1, today + timedelta(days=30))
    _term(world.branch_a2, today - timedelta(days=3))
    found = selectors.warnings(world.street_a, today)
    levels = [w.level for w in found]
    assert levels == sorted(levels, key=lambda level: level != rules.RED)
    assert all(w.source and w.url for w in found)


def test_a_terms_warning_days_are_the_orgs_local_setting(world):
    from orgs.models import OrgSetting

    today = timezone.localdate()
    OrgSetting.objects.create(org=world.street_a, key="term_warning_days", value=120)
    _term(world.branch_a1, today + timedelta(days=120))
    _term(world.branch_b1, today + timedelta(days=120))  # another district: the default 90 holds
    found = of_kind(world.city, "term")
    assert [(w.org.pk, w.level) for w in found] == [(world.branch_a1.pk, "yellow")]
    assert "120天" in found[0].source
