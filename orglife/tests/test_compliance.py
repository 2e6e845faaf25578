"""Compliance (rules.md §3): required against held per org and period, across month, quarter and
year boundaries, for orgs founded mid-period, with local settings inherited down the tree; the
roll-up puts the worst offenders first."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from orglife import rules, selectors
from orglife.models import MeetingKind, MeetingState
from orglife.tests.helpers import add_full_members, counted
from orgs.models import Org, OrgSetting


def items_of(world, org, *, month, today):
    return {i.requirement.key: i for i in selectors.compliance_items(world.city, month=month, today=today)[org.pk]}


# --- periods ------------------------------------------------------------------------------------


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from([rules.MONTH, rules.QUARTER, rules.YEAR]))
def test_every_day_lies_in_exactly_its_period_and_periods_tile_the_year(day, period):
    start, end = rules.period_bounds(period, day)
    assert start <= day <= end
    assert rules.period_bounds(period, start) == rules.period_bounds(period, end) == (start, end)
    from datetime import timedelta
    assert rules.period_bounds(period, end + timedelta(days=1))[0] == end + timedelta(days=1)


def test_quarters_and_labels():
    assert rules.period_bounds(rules.QUARTER, date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert rules.period_bounds(rules.QUARTER, date(2026, 4, 1)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert rules.period_bounds(rules.MONTH, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert rules.period_label(rules.QUARTER, date(2026, 4, 1)) == "2026年第2季度"


# --- boundaries ------------------------------------------------------------------------------------


def test_a_theme_day_on_the_last_day_of_a_month_counts_for_that_month_only(world):
    counted(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 1, 31))
    jan = items_of(world, world.branch_a1, month=date(2026, 1, 1), today=date(2026, 2, 15))["theme_day"]
    feb = items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 2, 15))["theme_day"]
    assert (jan.held, jan.status) == (1, rules.GREEN)
    assert (feb.held, feb.status) == (0, rules.PENDING)
    assert items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 2, 20))["theme_day"].status \
        == rules.YELLOW  # 8 days before the end of February: due soon
    assert items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 3, 1))["theme_day"].status \
        == rules.RED


def test_an_assembly_on_31_march_counts_for_the_first_quarter_and_1_april_for_the_second(world):
    counted(world.branch_a1, MeetingKind.BRANCH_ASSEMBLY, date(2026, 3, 31))
    q1 = items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 7, 1))["branch_assembly"]
    q2 = items_of(world, world.branch_a1, month=date(2026, 5, 1), today=date(2026, 7, 1))["branch_assembly"]
    assert (q1.held, q1.status, q1.period_label) == (1, rules.GREEN, "2026年第1季度")
    assert (q2.held, q2.status) == (0, rules.RED)
    counted(world.branch_a1, MeetingKind.BRANCH_ASSEMBLY, date(2026, 4, 1))
    q2 = items_of(world, world.branch_a1, month=date(2026, 6, 1), today=date(2026, 7, 1))["branch_assembly"]
    assert (q2.held, q2.status) == (1, rules.GREEN)


def test_a_review_meeting_on_31_december_counts_for_its_year_not_the_next(world):
    counted(world.branch_a1, MeetingKind.REVIEW_MEETING, date(2025, 12, 31))
    last = items_of(world, world.branch_a1, month=date(2025, 12, 1), today=date(2026, 1, 5))["review_meeting"]
    this = items_of(world, world.branch_a1, month=date(2026, 1, 1), today=date(2026, 1, 5))["review_meeting"]
    assert (last.held, last.status) == (1, rules.GREEN)
    assert (this.held, this.status) == (0, rules.PENDING)
    assert items_of(world, world.branch_a1, month=date(2026, 12, 1), today=date(2026, 12, 25))["review_meeting"] \
        .status == rules.YELLOW


def test_drafts_do_not_count_and_returned_records_do(world):
    counted(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 3, 5), state=MeetingState.DRAFT)
    item = items_of(world, world.branch_a1, month=date(2026, 3, 1), today=date(2026, 4, 2))["theme_day"]
    assert (item.held, item.status) == (0, rules.RED)
    counted(world.branch_a1, MeetingKind.THEME_DAY, date(2026, 3, 6), state=MeetingState.RETURNED)
    assert items_of(world, world.branch_a1, month=date(2026, 3, 1), today=date(2026, 4, 2))["theme_day"].held == 1


# --- founded mid-period -----------------------------------------------------------------------------


def test_an_org_founded_mid_period_owes_nothing_in_its_first_partial_period(world):
    Org.objects.filter(pk=world.branch_a2.pk).update(founded=date(2026, 2, 20))
    branch = Org.objects.get(pk=world.branch_a2.pk)
    feb = items_of(world, branch, month=date(2026, 2, 1), today=date(2026, 7, 1))
    assert feb["theme_day"].required == 0 and feb["theme_day"].status == rules.EXEMPT
    assert feb["branch_assembly"].status == rules.EXEMPT  # Q1 began before the founding
    assert feb["review_meeting"].status == rules.EXEMPT  # so did the year
    march = items_of(world, branch, month=date(2026, 3, 1), today=date(2026, 7, 1))
    assert (march["theme_day"].required, march["theme_day"].status) == (1, rules.RED)
    q2 = items_of(world, branch, month=date(2026, 4, 1), today=date(2026, 7, 1))
    assert q2["branch_assembly"].status == rules.RED


def test_an_org_founded_on_the_first_day_of_a_period_owes_that_period(world):
    Org.objects.filter(pk=world.branch_a2.pk).update(founded=date(2026, 4, 1))
    branch = Org.objects.get(pk=world.branch_a2.pk)
    q2 = items_of(world, branch, month=date(2026, 4, 1), today=date(2026, 7, 1))
    assert q2["branch_assembly"].required == 1 and q2["branch_assembly"].status == rules.RED
    assert q2["review_meeting"].status == rules.EXEMPT


def test_a_meeting_held_in_the_exempt_period_is_still_shown(world):
    Org.objects.filter(pk=world.branch_a2.pk).update(founded=date(2026, 2, 20))
    counted(world.branch_a2, MeetingKind.THEME_DAY, date(2026, 2, 25))
    item = items_of(world, Org.objects.get(pk=world.branch_a2.pk), month=date(2026, 2, 1), today=date(2026, 7, 1))
    assert (item["theme_day"].held, item["theme_day"].status) == (1, rules.EXEMPT)


# --- who holds what ----------------------------------------------------------------------------------


def test_groups_hold_group_meetings_and_branches_everything_else(world):
    found = selectors.compliance_items(world.city, month=date(2026, 3, 1), today=date(2026, 3, 5))
    assert {i.requirement.key for i in found[world.group_a1.pk]} == {"group_meeting"}
    assert {i.requirement.key for i in found[world.branch_a1.pk]} == {
        "branch_assembly", "lecture", "secretary_lecture", "theme_day", "review_meeting", "appraisal", "talk"}
    assert world.street_a.pk not in found and world.district_a.pk not in found


def test_a_committee_meeting_is_required_monthly_only_from_seven_full_members(world):
    add_full_members(world.branch_a2, 5)  # with 王芳: 6 full members
    assert "committee_meeting" not in items_of(world, world.branch_a2, month=date(2026, 3, 1), today=date(2026, 3, 5))
    add_full_members(world.branch_a2, 1, start=5)
    item = items_of(world, world.branch_a2, month=date(2026, 3, 1), today=date(2026, 3, 5))["committee_meeting"]
    assert (item.period, item.required) == (rules.MONTH, 1)


def test_a_secretary_lecture_counts_for_both_lines(world):
    counted(world.branch_a1, MeetingKind.LECTURE, date(2026, 2, 10), by_secretary=True)
    counted(world.branch_a2, MeetingKind.LECTURE, date(2026, 2, 10))
    a1 = items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 2, 15))
    a2 = items_of(world, world.branch_a2, month=date(2026, 2, 1), today=date(2026, 2, 15))
    assert a1["lecture"].status == a1["secretary_lecture"].status == rules.GREEN
    assert a2["lecture"].status == rules.GREEN and a2["secretary_lecture"].held == 0


# --- local settings ------------------------------------------------------------------------------------


def test_the_lecture_frequency_is_a_local_setting_inherited_down_the_tree(world):
    assert items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 2, 2))["lecture"].period == rules.QUARTER
    OrgSetting.objects.create(org=world.district_a, key="orglife_lecture_period", value="month")
    assert items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 2, 2))["lecture"].period == rules.MONTH
    assert items_of(world, world.branch_b1, month=date(2026, 2, 1), today=date(2026, 2, 2))["lecture"].period == rules.QUARTER
    OrgSetting.objects.create(org=world.branch_a1, key="orglife_lecture_period", value="year")
    assert items_of(world, world.branch_a1, month=date(2026, 2, 1), today=date(2026, 2, 2))["lecture"].period == rules.YEAR
    assert items_of(world, world.branch_a2, month=date(2026, 2, 1), today=date(2026, 2, 2))["lecture"].period == rules.MONTH


def test_the_due_soon_window_is_a_local_setting_and_agrees_with_orgs_local_setting(world):
    from orgs.rules import local_setting

    assert local_setting(world.branch_a1, "orglife_due_soon_days") == 10
    OrgSetting.objects.create(org=world.street_a, key="orglife_due_soon_days", value=20)
    assert local_setting(world.branch_a1, "orglife_due_soon_days") == 20
    # 18 days before the end of March: yellow with 20 days, pending by default elsewhere.
    assert items_of(world, world.branch_a1, month=date(2026, 3, 1), today=date(2026, 3, 13))["theme_day"].status == rules.YELLOW
    assert items_of(world, world.branch_b1, month=date(2026, 3, 1), today=date(2026, 3, 13))["theme_day"].status == rules.PENDING


def test_the_orgs_module_local_defaults_still_hold(world):
    from orgs.rules import LOCAL_DEFAULTS, local_setting

    assert LOCAL_DEFAULTS["term_warning_days"] == 90
    assert local_setting(world.branch_a1, "term_warning_days") == 90


@pytest.mark.parametrize("required, held, end, today, expected", [
    (1, 1, date(2026, 3, 31), date(2026, 3, 1), rules.GREEN),
    (1, 0, date(2026, 3, 31), date(2026, 4, 1), rules.RED),
    (1, 0, date(2026, 3, 31), date(2026, 3, 21), rules.YELLOW),
    (1, 0, date(2026, 3, 31), date(2026, 3, 20), rules.PENDING),
    (2, 1, date(2026, 3, 31), date(2026, 3, 1), rules.YELLOW),  # partly met
    (0, 0, date(2026, 3, 31), date(2026, 4, 1), rules.EXEMPT),
])
def test_the_colours(required, held, end, today, expected):
    assert rules.status(required=required, held=held, period_end=end, today=today, due_soon_days=10) == expected


# --- roll-up -------------------------------------------------------------------------------------------


def test_the_rollup_puts_the_worst_child_first_and_counts_constant_queries(world, django_assert_max_num_queries):
    today, month = date(2026, 7, 1), date(2026, 6, 1)
    for kind in (MeetingKind.THEME_DAY, MeetingKind.BRANCH_ASSEMBLY, MeetingKind.LECTURE):
        counted(world.branch_b1, kind, date(2026, 6, 10))
    with django_assert_max_num_queries(8):
        result = selectors.rollup(world.city, month=month, today=today)
    assert [t.org for t in result.children] == [world.district_a, world.district_b]
    a, b = result.children
    assert a.holders == 3 and b.holders == 1  # two branches and a group; one branch
    assert a.counts[rules.RED] > b.counts[rules.RED]
    assert b.counts[rules.GREEN] == 3
    assert result.worst[0].org in (world.branch_a1, world.branch_a2, world.group_a1)
    assert result.total.counts[rules.RED] == a.counts[rules.RED] + b.counts[rules.RED]


def test_two_months_read_together_give_each_months_own_figures_across_a_year_boundary(world):
    """The page reads this month and the last in one statement; a January page reads two years."""
    today = date(2026, 1, 20)
    counted(world.branch_a1, MeetingKind.THEME_DAY, date(2025, 12, 5))
    counted(world.branch_a1, MeetingKind.REVIEW_MEETING, date(2025, 12, 20))
    counted(world.branch_a2, MeetingKind.THEME_DAY, date(2026, 1, 8))
    counted(world.branch_b1, MeetingKind.LECTURE, date(2025, 11, 3), by_secretary=True)
    together = selectors.rollups(world.city, months=[date(2026, 1, 1), date(2025, 12, 1)], today=today)
    for month, result in zip([date(2026, 1, 1), date(2025, 12, 1)], together, strict=True):
        alone = selectors.rollup(world.city, month=month, today=today)
        assert result.total.counts == alone.total.counts
        assert [(t.org, t.counts) for t in result.children] == [(t.org, t.counts) for t in alone.children]
        assert [(t.org, t.counts) for t in result.worst] == [(t.org, t.counts) for t in alone.worst]
        assert result.items == alone.items
    held = {i.requirement.key: i.held for i in together[1].items[world.branch_a1.pk]}
    assert held["theme_day"] == 1 and held["review_meeting"] == 1
    assert {i.requirement.key: i.held for i in together[0].items[world.branch_a1.pk]}["review_meeting"] == 0
    assert {i.requirement.key: i.held for i in together[1].items[world.branch_b1.pk]}["secretary_lecture"] == 1


def _counted_one_by_one(world, month, today, worst):
    """The roll-up as computed holder by holder from each one's own items: the statuses per
    child org and in all, and the worst holders (most red, then yellow, then pending, then path)."""
    children = list(Org.objects.filter(path__startswith=world.city.path, depth=world.city.depth + 1))
    per_child = {child.pk: {status: 0 for status in rules.SEVERITY} for child in children}
    total = {status: 0 for status in rules.SEVERITY}
    flagged = []
    for pk, items in selectors.compliance_items(world.city, month=month, today=today).items():
        org = Org.objects.get(pk=pk)
        counts = {status: sum(1 for item in items if item.status == status) for status in rules.SEVERITY}
        child = next(child for child in children if org.path.startswith(child.path))
        for status, n in counts.items():
            per_child[child.pk][status] += n
            total[status] += n
        if counts[rules.RED] or counts[rules.YELLOW]:
            flagged.append(((-counts[rules.RED], -counts[rules.YELLOW], -counts[rules.PENDING], org.path), org, counts))
    return total, per_child, [(org, counts) for _key, org, counts in sorted(flagged, key=lambda f: f[0])[:worst]]


@pytest.mark.parametrize("worst", [20, 2, 1])
def test_the_rollup_counts_every_holder_as_its_own_items_do(world, worst):
    """The roll-up groups the holders by their facts in the database (packed figures counted up
    to the minimum, settings by path range): its tallies and worst holders are those of the
    holders' own items, with local settings, an org founded mid-year, a committee, meetings
    beyond the minimum and both months of the page read at once."""
    today = date(2026, 11, 20)
    months = [date(2026, 11, 1), date(2026, 10, 1)]
    OrgSetting.objects.create(org=world.district_a, key="orglife_lecture_period", value="month")
    OrgSetting.objects.create(org=world.branch_a1, key="orglife_lecture_period", value="year")
    OrgSetting.objects.create(org=world.district_b, key="orglife_branch_secretary_lecture", value=False)
    OrgSetting.objects.create(org=world.branch_a2, key="orglife_due_soon_days", value=30)
    Org.objects.filter(pk=world.branch_b1.pk).update(founded=date(2026, 7, 15))
    add_full_members(world.branch_a1, 7)
    for org, kind, day in ((world.branch_a1, MeetingKind.THEME_DAY, date(2026, 11, 3)),
                           (world.branch_a1, MeetingKind.THEME_DAY, date(2026, 11, 10)),
                           (world.branch_a1, MeetingKind.COMMITTEE_MEETING, date(2026, 10, 9)),
                           (world.branch_a1, MeetingKind.LECTURE, date(2026, 2, 9)),
                           (world.group_a1, MeetingKind.GROUP_MEETING, date(2026, 10, 8)),
                           (world.branch_a2, MeetingKind.REVIEW_MEETING, date(2026, 3, 1)),
                           (world.branch_a2, MeetingKind.LECTURE, date(2026, 11, 2)),
                           (world.branch_b1, MeetingKind.BRANCH_ASSEMBLY, date(2026, 10, 20))):
        counted(org, kind, day)
    counted(world.branch_b1, MeetingKind.LECTURE, date(2026, 10, 5), by_secretary=True)
    for month, result in zip(months, selectors.rollups(world.city, months=months, today=today, worst=worst),
                             strict=True):
        total, per_child, flagged = _counted_one_by_one(world, month, today, worst)
        assert result.total.counts == total
        assert {t.org.pk: t.counts for t in result.children} == per_child
        assert [(t.org, t.counts) for t in result.worst] == flagged


# --- the page at a glance (issue 10.6) ------------------------------------------------------------


def _section(text: str, element_id: str) -> str:
    start = text.index(f'id="{element_id}"')
    return text[start:text.index("</section>", start)]


def test_the_page_shows_the_last_complete_period_beside_the_open_one(world):
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    # Nothing held anywhere: last month's monthly items ended unmet (red); this month's are open.
    overdue = selectors.rollup(world.city, month=last_month, today=today).total.counts[rules.RED]
    assert overdue > 0
    text = world.client("city_admin").get(reverse("orglife:compliance")).content.decode()
    last = _section(text, "period-last")
    assert f"{last_month:%Y年}{last_month.month}月" in last and "已结束" in last
    assert f'<div class="num red">{overdue}</div>逾期未完成' in last
    current = _section(text, "period-current")
    assert "本期，进行中" in current and "本期已逾期" in current


def test_an_org_without_data_shows_grey_no_data_never_green(world):
    from django.urls import reverse

    from orgs import bulk
    from orgs.bulk import Node
    from orgs.models import OrgKind, OrgLevel

    # A third district with no branch: nothing is required of it, so nothing is green there.
    bulk.build([Node("中共天津市南开区委员会", "NK", OrgKind.COMMITTEE, OrgLevel.DISTRICT, founded=date(2000, 1, 1))],
               under=world.city)
    empty = Org.objects.get(code="NK")
    tally = next(t for t in selectors.rollup(world.city, month=timezone.localdate()).children if t.org.pk == empty.pk)
    assert tally.colour == rules.NO_DATA
    text = world.client("city_admin").get(reverse("orglife:compliance")).content.decode()
    row = text[text.index(empty.name) - 400:text.index(empty.name) + 900]
    assert 'class="row-nodata"' in row and "暂无数据" in row and "row-green" not in row
    alone = world.client("city_admin").get(reverse("orglife:compliance") + f"?org={empty.pk}").content.decode()
    assert "暂无数据" in _section(alone, "period-current")
