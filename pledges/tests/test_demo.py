"""The demo's pledges obey the rules the services enforce: at most five a member a year, records
only on approved pledges, within the year and not after today; every state appears; the demo
member holds a post whose badge masks the name; the summary equals the records."""


import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from core import summaries
from members.models import Member
from pledges import rules
from pledges.models import DutyPost, Pledge, PledgeRecord, ReviewState

pytestmark = pytest.mark.django_db


def test_the_demo_pledges_follow_the_rules(small_demo, settings):
    settings.INVENTED_DATA_ALLOWED = True
    today = timezone.localdate()
    assert set(Pledge.objects.values_list("state", flat=True)) == set(ReviewState.values)
    most = Pledge.objects.values("member_id", "year").annotate(n=Count("pk")).order_by("-n").first()
    assert most["n"] <= rules.MAX_PLEDGES
    assert not PledgeRecord.objects.exclude(pledge__state=ReviewState.APPROVED).exists()
    assert not PledgeRecord.objects.filter(day__gt=today).exists()
    assert not PledgeRecord.objects.exclude(day__year=today.year).exists()
    assert PledgeRecord.objects.filter(state=ReviewState.PENDING).exists()
    assert not any(summaries.check(["pledges.org_year"]))
    member = Member.objects.get(user__username="member")
    post = DutyPost.objects.get(holder=member)
    page = Client().get(post.get_badge_url()).content.decode()
    assert rules.mask_name(member.name) in page and member.name not in page
