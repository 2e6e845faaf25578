"""The demo's year of study: most members on track for this time of year, some behind, a few
branches with refused heartbeats; the summary equals the study rows."""


import pytest
from django.utils import timezone

from core import summaries
from learning import selectors
from learning.models import RefusedBeat, StudyDay
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org

pytestmark = pytest.mark.django_db


def test_the_demo_loads_a_year_of_study_most_on_track(small_demo, settings):
    settings.INVENTED_DATA_ALLOWED = True
    today = timezone.localdate()
    share = (today - today.replace(month=1, day=1)).days / 365
    members = list(Member.objects.filter(status__in=ACTIVE_STATUSES).select_related("org"))
    hours = selectors.members_hours(members, today.year)
    on_track = sum(1 for h in hours.values() if h.online >= 32 * share * 0.95)
    assert 0.7 < on_track / len(members) < 0.95
    assert StudyDay.objects.exists() and RefusedBeat.objects.exists()
    assert not any(summaries.check(["learning.study_org_year"]))
    assert selectors.org_year_hours(Org.objects.get(depth=1), today.year) > 0
