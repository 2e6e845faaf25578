"""The demo's 五好党支部 records follow the rules the services enforce: issued standards of five
dimensions; assessments in every state, each against the standard its branch is held to, with
every item scored within its points once submitted; grades that are the thresholds' for the upper
scores, each with its GradeChange; exemplars only of 五好 branches, published ones on the portal;
the summary equals the records; the demo secretary is assessing the branch and the 和平区 admin has
one to assess."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core import summaries
from fivegood import rules, selectors
from fivegood.models import (
    Assessment,
    AssessmentState,
    Exemplar,
    ExemplarState,
    GradeChange,
    SetState,
    StandardSet,
)
from portal.models import Article

pytestmark = pytest.mark.django_db


def test_the_demo_fivegood_follows_the_rules(small_demo, settings):
    settings.INVENTED_DATA_ALLOWED = True
    year = timezone.localdate().year
    standards = list(StandardSet.objects.filter(year=year))
    assert standards and all(s.state == SetState.ISSUED for s in standards)
    assert all([d.name for d, _items in selectors.dimensions_of(s)] == list(rules.DEFAULT_DIMENSIONS)
               for s in standards)
    assessments = list(Assessment.objects.filter(year=year).select_related("org", "standard_set"))
    assert {a.state for a in assessments} == set(AssessmentState.values)
    assert len({a.grade for a in assessments if a.grade}) >= 3
    for a in assessments[:200]:
        assert selectors.standard_for(a.org, year) == a.standard_set
        rows = list(a.scores.select_related("item__dimension"))
        assert all(r.self_score is None or 0 <= r.self_score <= r.item.points for r in rows)
        if a.state != AssessmentState.SELF:
            assert all(r.self_score is not None for r in rows)
        if a.state == AssessmentState.ASSESSED:
            dims: dict[int, list[int]] = {}
            for r in rows:
                dims.setdefault(r.item.dimension_id, [0, 0])
                dims[r.item.dimension_id][0] += r.upper_score
                dims[r.item.dimension_id][1] += r.item.points
            assert a.grade == rules.grade_for(total=a.upper_total, max_total=sum(r.item.points for r in rows),
                                              dimensions=[tuple(v) for v in dims.values()])
            assert GradeChange.objects.filter(assessment=a, to_grade=a.grade).exists()
        else:
            assert a.grade == ""
    exemplars = list(Exemplar.objects.select_related("assessment"))
    assert exemplars and len(exemplars) <= rules.EXEMPLAR_TARGET
    assert all(e.assessment.grade == "five_good" for e in exemplars)
    published = [e for e in exemplars if e.state == ExemplarState.PUBLISHED]
    assert published and all(Article.objects.filter(external_key=e.portal_key).exists() for e in published)
    assert not any(summaries.check(["fivegood.org_year"]))
    secretary, admin = Client(), Client()
    secretary.force_login(User.objects.get(username="secretary"))
    admin.force_login(User.objects.get(username="heping_admin"))
    assert 'id="to-fill"' in secretary.get("/fivegood/").content.decode()
    assert 'id="to-assess"' in admin.get("/fivegood/").content.decode()
    city = Client()
    city.force_login(User.objects.get(username="city_admin"))
    assert 'id="children"' in city.get("/fivegood/").content.decode()
