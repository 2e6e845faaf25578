"""The demo's oversight records follow the rules the services enforce: plans for eight sectors;
every visit answers its org's whole checklist; inspections of orgs below the inspecting org;
findings in every state, a closed one closed by an accepted last round, a submitted one waiting
on its last round, overdue ones escalated between the org and the inspecting org; the summary
equals the records; the demo secretary has an item to rectify and the 和平区 admin one to accept."""


import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core import summaries
from orgs.models import Org
from oversight import selectors
from oversight.models import (
    Decision,
    GuidancePlan,
    InspectionTarget,
    ItemState,
    RectificationItem,
    SupervisionTeam,
    Visit,
)

pytestmark = pytest.mark.django_db


def test_the_demo_oversight_follows_the_rules(small_demo, settings):
    settings.INVENTED_DATA_ALLOWED = True
    today = timezone.localdate()
    assert GuidancePlan.objects.filter(year=today.year).count() == 8
    assert SupervisionTeam.objects.exists() and Visit.objects.exists()
    for visit in Visit.objects.select_related("org")[:50]:
        expected = {item.pk for item in selectors.checklist_for(visit.org, today.year)}
        assert set(visit.checks.values_list("item_id", flat=True)) == expected
        assert visit.problems == visit.checks.filter(met=False).count()
    for target in InspectionTarget.objects.select_related("org", "inspection__org"):
        assert target.org.path.startswith(target.inspection.org.path) and target.org != target.inspection.org
    items = list(RectificationItem.objects.select_related("org", "inspection__org", "escalated_to"))
    assert {i.state for i in items} == set(ItemState.values)
    assert any(i.escalated_to for i in items)
    for item in items:
        rounds = list(item.evidence.order_by("round").values_list("decision", flat=True))
        assert item.rounds == len(rounds)
        assert {ItemState.OPEN: rounds == [], ItemState.SUBMITTED: rounds[-1:] == [""],
                ItemState.RETURNED: rounds[-1:] == [Decision.RETURNED],
                ItemState.CLOSED: rounds[-1:] == [Decision.ACCEPTED]}[item.state]
        assert (item.closed_at is not None) == (item.state == ItemState.CLOSED)
        if item.escalated_to:
            assert item.overdue
            assert item.org.path.startswith(item.escalated_to.path) and item.org != item.escalated_to
            assert item.escalated_to.path.startswith(item.inspection.org.path)
    assert not any(summaries.check(["oversight.org_month"]))
    secretary, admin = Client(), Client()
    secretary.force_login(User.objects.get(username="secretary"))
    admin.force_login(User.objects.get(username="heping_admin"))
    assert 'id="to-rectify"' in secretary.get("/oversight/").content.decode()
    assert 'id="to-accept"' in admin.get("/oversight/").content.decode()
    city = Client()
    city.force_login(User.objects.get(username="city_admin"))
    escalated = next(i for i in items if i.escalated_to)
    page = city.get(f"/oversight/?org={escalated.escalated_to.code}").content.decode()
    assert 'id="escalated"' in page and escalated.org.name in page
    plan = city.get("/oversight/rectification/").content.decode()
    assert "和平区" in plan and "河西区" in plan
    # Last quarter's bulletins: the city's published (on the portal's 党务公开), 和平区's a draft,
    # each with a row per child org in every section.
    from oversight import bulletins
    from oversight.models import Bulletin, BulletinState
    from portal.models import Article

    year, quarter = bulletins.last_quarter(today)
    city_bulletin = Bulletin.objects.get(org__depth=1, year=year, quarter=quarter)
    assert city_bulletin.state == BulletinState.PUBLISHED
    assert Article.objects.filter(external_key=f"oversight:bulletin:{city_bulletin.pk}").exists()
    districts = Org.objects.filter(depth=2).count()
    assert all(len(s["rows"]) == districts for s in city_bulletin.sections) and len(city_bulletin.sections) == 7
    assert Bulletin.objects.get(org__code="HP", year=year, quarter=quarter).state == BulletinState.DRAFT
    assert "季度通报" in city.get(f"/oversight/bulletins/{city_bulletin.pk}/").content.decode()
