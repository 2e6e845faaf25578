"""The demo's check-ins follow the rules the services enforce: in-service members only, each with
a community, one active check-in a member, every state present (a refusal with its reason),
service only after confirmation, the summary equal to the records; the pages show them."""


import pytest
from django.db.models import Count, F

from accounts.models import User
from community import rules
from community.models import CheckIn, CheckInState, ServiceRecord
from core import summaries

pytestmark = pytest.mark.django_db


def test_the_demo_check_ins_follow_the_rules(small_demo, settings, client):
    settings.INVENTED_DATA_ALLOWED = True
    assert set(CheckIn.objects.values_list("state", flat=True)) == set(CheckInState.values)
    assert all(rules.is_in_service(c.unit) and rules.is_community(c.community)
               for c in CheckIn.objects.select_related("unit", "community"))
    most = (CheckIn.objects.filter(state__in=["requested", "confirmed"]).values("member_id")
            .annotate(n=Count("pk")).order_by("-n").first())
    assert most["n"] == 1
    assert not CheckIn.objects.filter(state="refused", note="").exists()
    assert ServiceRecord.objects.exists()
    assert not ServiceRecord.objects.filter(day__lt=F("checkin__decided_on")).exists()
    assert not any(summaries.check(["community.org_month"]))
    client.force_login(User.objects.get(username="city_admin"))
    page = client.get("/community/").content.decode()
    assert "本辖区社区接收报到" in page and client.get("/community/checkins/").status_code == 200
