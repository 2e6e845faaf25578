"""The demo city's leadership terms follow the rules it enforces: no false term warnings."""

from datetime import timedelta

import pytest

from orgs import rules
from orgs.models import LeadershipTerm, Org, OrgKind, Sector


@pytest.mark.django_db
def test_the_demo_terms_run_as_long_as_the_rules_say_and_start_after_the_org(small_demo):
    terms = list(LeadershipTerm.objects.select_related("org"))
    assert not [t for t in terms if t.org.kind == OrgKind.TEMPORARY_BRANCH]
    assert Org.objects.filter(kind=OrgKind.TEMPORARY_BRANCH).exists()
    assert not [t.org.code for t in terms if t.started < t.org.founded]
    wrong = [t.org.code for t in terms
             if abs(rules.default_term_end(t.org, t.started) - t.ends) > timedelta(days=2)]
    assert not wrong
    five_year_branches = [t for t in terms if t.org.kind == OrgKind.BRANCH
                          and t.org.sector in (Sector.COMMUNITY, Sector.RURAL)]
    assert five_year_branches
    assert all(rules.term_years(t.org) == 5 and (t.ends - t.started).days >= 5 * 365 for t in five_year_branches)
