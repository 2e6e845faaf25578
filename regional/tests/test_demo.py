"""The demo city's 创新大厦 reproduces the article's figures (seed-figures.md) exactly."""


import pytest

from core import summaries
from orgs.models import Org, OrgKind
from regional import selectors
from regional.models import Building


@pytest.mark.django_db
def test_the_demo_building_has_the_articles_figures(small_demo):
    building = Building.objects.get(name="创新大厦")
    committee = building.committee
    orgs = Org.objects.filter(path__startswith=committee.path).exclude(pk=committee.pk)
    assert orgs.count() == 24  # 24 party orgs under the building committee
    assert orgs.filter(kind=OrgKind.JOINT_BRANCH).count() == 7  # 7 joint branches of instructors
    figures = selectors.coverage(committee)
    assert figures.members == 55  # with 55 members
    assert building.units.filter(kind="enterprise", members__gt=0, party_org__isnull=False).count() == 15
    assert (figures.served_orgs, figures.served_members) == (16, 77)  # served without changing affiliation
    assert figures.instructors == 24
    assert figures.org_covered == figures.work_covered == figures.units
    assert (figures.org_rate, figures.work_rate) == ("100%", "100%")
    district = Org.objects.get(code="HP")  # 和平区: the building's row counts in the district's figures
    assert selectors.coverage(district).units >= figures.units == 39
    assert not summaries.check(["regional.coverage"])[0]
    from django.utils import timezone

    from regional import villages

    year = timezone.localdate().year - 1
    counts = villages.counts(Org.objects.get(code="BC"), year)  # 北辰区
    assert (counts["villages"], counts["paired"], counts["grades"]["达标"]) == (1, 1, 1)
    assert not summaries.check(["regional.village_year"])[0]
    from regional import cobuilding

    street = cobuilding.counts(Org.objects.get(code="HP"))  # 和平区: one street's 大工委
    assert (street["seats"], street["projects"], street["projects_done"]) == (3, 2, 1)
    assert not summaries.check(["regional.cobuilding"])[0]
