"""The health index on crafted data equals the published formula computed by hand, with the
default weights and with weights set as a local setting; components without data drop out."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from care import services as care_services
from insights import rules, selectors
from members.models import Member
from orglife.models import MeetingKind
from orglife.tests.helpers import counted
from orgs.models import OrgSetting
from recruitment.tests.helpers import id_number, open_case

pytestmark = pytest.mark.django_db


def craft(world):
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month: the index reads it
    # Meetings: A1 (and its group) owe 8 requirements last month and held a theme day: 1 / 8;
    # A2 owes 7 and held a theme day and a branch assembly: 2 / 7.
    counted(world.branch_a1, MeetingKind.THEME_DAY, first)
    counted(world.branch_a2, MeetingKind.THEME_DAY, first)
    counted(world.branch_a2, MeetingKind.BRANCH_ASSEMBLY, first)
    # Recruitment: A1 has two cases in progress, one with its talk overdue: 1 − 1/2.
    open_case(world, applied=today - timedelta(days=5), name="按期", number=id_number(seq=31))
    open_case(world, applied=today - timedelta(days=70), name="逾期", number=id_number(seq=32))
    # Care: A1's two members are senior (党龄 ≥ 50); one visited this year: 1 / 2. A2: nobody due care.
    Member.objects.filter(org=world.branch_a1).update(joined=date(1960, 7, 1), converted=date(1961, 7, 1))
    care_services.visit_record(actor=world.users["secretary"], member=Member.objects.get(pk=world.members["a1_member"].pk),
                               visited=today, visitors="李建国", occasion="daily")


def test_the_index_is_the_weighted_mean_of_the_components_with_data(world):
    craft(world)
    weights, rows = selectors.health(world.street_a, world.users["a_admin"])
    assert weights == {"meetings": 50, "recruitment": 30, "care": 20}
    by_org = {h.org.pk: h for h in rows}
    a1, a2 = by_org[world.branch_a1.pk], by_org[world.branch_a2.pk]
    assert a1.figures == {"meetings": (1, 8), "recruitment": (1, 2), "care": (1, 2)}
    assert 100 * (50 * 1 / 8 + 30 * 0.5 + 20 * 0.5) / 100 == 31.25
    assert a1.index == 31.3  # half up
    # A2: no case and nobody due care — only meetings count, with their weight alone.
    assert a2.figures["recruitment"] == (0, 0) and a2.scores["recruitment"] is None and a2.scores["care"] is None
    assert a2.index == round(100 * 2 / 7, 1) == 28.6
    assert [h.org.pk for h in rows] == [world.branch_a2.pk, world.branch_a1.pk]  # worst first


def test_the_weights_are_a_local_setting_inherited_down_the_tree(world):
    craft(world)
    OrgSetting.objects.create(org=world.district_a, key="insights_weight_meetings", value=0)
    OrgSetting.objects.create(org=world.district_a, key="insights_weight_care", value=70)
    weights, rows = selectors.health(world.street_a, world.users["a_admin"])
    assert weights == {"meetings": 0, "recruitment": 30, "care": 70}
    a1 = next(h for h in rows if h.org.pk == world.branch_a1.pk)
    assert a1.index == round(100 * (30 * 0.5 + 70 * 0.5) / 100, 1) == 50.0
    a2 = next(h for h in rows if h.org.pk == world.branch_a2.pk)
    assert a2.index is None  # only meetings have data, and their weight is 0
    assert rows[-1].org.pk == world.branch_a2.pk  # no data last


def test_the_formula_function(world):
    assert rules.health_index({"a": 1.0, "b": None}, {"a": 10, "b": 90}) == 100.0
    assert rules.health_index({"a": 0.5, "b": 0.0}, {"a": 1, "b": 1}) == 25.0
    assert rules.health_index({"a": None}, {"a": 5}) is None
    assert rules.clean_weight("50") == 0 and rules.clean_weight(True) == 0 and rules.clean_weight(101) == 0


def test_the_page_shows_the_formula_and_the_rows(world):
    craft(world)
    body = world.client("a_admin").get(f"/insights/health/?org={world.street_a.pk}").content.decode()
    assert rules.FORMULA in body and "31.3" in body and "28.6" in body and "三会一课完成率（权重 50）" in body


@pytest.mark.parametrize("root, cached", [("city", True), ("district_a", True), ("street_a", False)])
def test_care_s_figures_of_the_city_and_a_district_are_counted_once_a_minute(world, settings, root, cached):
    """The health index's care figures (counted from the archive) are cached like the compliance
    roll-up for the city and a district; a street's are always now."""
    from django.core.cache import cache

    settings.ROLLUP_CACHE_SECONDS = 60
    craft(world)
    org, user = getattr(world, root), world.users["city_admin"]

    def visited() -> int:
        return sum(h.figures["care"][0] for h in selectors.health(org, user)[1])
    before = visited()
    care_services.visit_record(actor=world.users["secretary"], member=Member.objects.get(pk=world.members["a1_secretary"].pk),
                               visited=timezone.localdate(), visitors="李建国", occasion="daily")
    assert visited() == (before if cached else before + 1)
    cache.clear()  # the minute is up
    assert visited() == before + 1
