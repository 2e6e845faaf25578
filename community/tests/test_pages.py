"""Community check-in pages and API: the member requests and ends, the community confirms,
assigns, records and rates, the unit reads its feedback; 404 for every page and API operation out
of scope (``SCOPE_TESTED``, for orgs/tests/test_scope.py's meta-test)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import CheckIn, CheckInRating, CheckInState, ServiceRecord, ServiceTeam
from community.tests.test_checkin import confirmed, places  # noqa: F401 (fixture)
from dangjian.testing import api_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

PAGES = {"community:home", "community:checkin_request", "community:checkins", "community:checkin",
         "community:decide", "community:assign", "community:record_add", "community:rating", "community:end",
         "community:team_create", "community:unit"}
API = {"api:community_checkin_request", "api:community_checkin_list", "api:community_checkin_decide",
       "api:community_checkin_assign", "api:community_record_add", "api:community_rating",
       "api:community_checkin_end", "api:community_unit_feedback"}
SCOPE_TESTED = PAGES | API


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_whole_round_on_the_pages(world, places):  # noqa: F811
    cadre = client_of(places["cadre"])
    assert cadre.get(reverse("community:home")).status_code == 200
    response = cadre.post(reverse("community:checkin_request"), {"community": places["community"].pk,
                                                                 "address": "朝阳里3号楼2门201"})
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    admin = world.client("a_admin")
    assert "周建华" in admin.get(reverse("community:checkins")).content.decode()
    admin.post(reverse("community:decide", args=[checkin.pk]), {"decision": "confirm", "note": ""})
    assert CheckIn.objects.get().state == CheckInState.CONFIRMED
    admin.post(reverse("community:team_create") + f"?org={places['community'].pk}", {"name": "助老服务队"})
    team = ServiceTeam.objects.get()
    admin.post(reverse("community:assign", args=[checkin.pk]), {"team": team.pk})
    admin.post(reverse("community:record_add", args=[checkin.pk]), {"day": TODAY.isoformat(), "hours": "2",
                                                                     "content": "陪同老人就医"})
    admin.post(reverse("community:rating", args=[checkin.pk]), {"year": TODAY.year, "grade": "good", "comment": ""})
    assert ServiceRecord.objects.count() == 1 and CheckInRating.objects.count() == 1
    page = client_of(places["office_admin"]).get(reverse("community:unit", args=[places["office"].pk])).content.decode()
    assert "周建华" in page and "2.0" in page and "合格" in page
    assert "助老服务队" in cadre.get(reverse("community:checkin", args=[checkin.pk])).content.decode()
    cadre.post(reverse("community:end", args=[checkin.pk]))
    assert CheckIn.objects.get().state == CheckInState.ENDED


def test_a_refused_form_writes_nothing(world, places):  # noqa: F811
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    response = world.client("a_admin").post(reverse("community:decide", args=[checkin.pk]),
                                            {"decision": "refuse", "note": ""})
    assert response.status_code == 200 and "不予确认须写明理由" in response.content.decode()
    assert CheckIn.objects.get().state == CheckInState.REQUESTED


def test_out_of_scope_pages_and_api_are_not_found(world, places):  # noqa: F811
    checkin = confirmed(world, places)
    other = world.client("secretary")  # neither the community's nor the unit's
    for name in ("community:checkin", "community:decide", "community:assign", "community:record_add",
                 "community:rating", "community:end"):
        assert other.get(reverse(name, args=[checkin.pk])).status_code == 404, name
    assert other.get(reverse("community:unit", args=[places["office"].pk])).status_code == 404
    assert other.get(reverse("community:team_create") + f"?org={places['community'].pk}").status_code == 404
    assert "周建华" not in other.get(reverse("community:checkins")).content.decode()
    # The unit reads the check-in and its feedback but does not act for the community.
    unit = client_of(places["office_admin"])
    assert unit.get(reverse("community:checkin", args=[checkin.pk])).status_code == 200
    for name in ("community:decide", "community:record_add", "community:rating", "community:assign"):
        assert unit.get(reverse(name, args=[checkin.pk])).status_code == 404, name
    outsider = world.client("outsider")
    for name in ("community:home", "community:checkin_request"):
        assert outsider.get(reverse(name)).status_code == 404, name
    assert Client().get(reverse("community:home")).status_code == 302
    api = api_client("secretary")
    for url, body in [(f"/api/v1/community/checkins/{checkin.pk}/decide", {"confirm": True}),
                      (f"/api/v1/community/checkins/{checkin.pk}/team", {"team_id": None}),
                      (f"/api/v1/community/checkins/{checkin.pk}/records",
                       {"day": TODAY.isoformat(), "hours": 1, "content": "服务"}),
                      (f"/api/v1/community/checkins/{checkin.pk}/rating", {"year": TODAY.year, "grade": "good"}),
                      (f"/api/v1/community/checkins/{checkin.pk}/end", {})]:
        assert api.post(url, body, content_type="application/json").status_code == 404, url
    assert api.get(f"/api/v1/community/units/{places['office'].pk}/feedback").status_code == 404
    assert api.get("/api/v1/community/checkins").json()["items"] == []
    assert api_client("outsider").post("/api/v1/community/checkins", {"community_id": places["community"].pk,
                                                                      "address": "一号"},
                                       content_type="application/json").status_code == 404
    assert CheckIn.objects.get().state == CheckInState.CONFIRMED and not ServiceRecord.objects.exists()


def test_the_api_round(world, places):  # noqa: F811
    cadre = api_client("cadre")
    made = cadre.post("/api/v1/community/checkins", {"community_id": places["community"].pk, "address": "朝阳里3号楼"},
                      content_type="application/json")
    assert made.status_code == 201, made.content
    admin = api_client("a_admin")
    checkin_id = made.json()["id"]
    assert admin.post(f"/api/v1/community/checkins/{checkin_id}/decide", {"confirm": True},
                      content_type="application/json").json()["state"] == "confirmed"
    assert admin.post(f"/api/v1/community/checkins/{checkin_id}/records", {"day": TODAY.isoformat(), "hours": 1.5,
                                                                           "content": "清理楼道"},
                      content_type="application/json").status_code == 201
    assert admin.post(f"/api/v1/community/checkins/{checkin_id}/rating", {"year": TODAY.year, "grade": "excellent"},
                      content_type="application/json").status_code == 201
    feedback = api_client("office_admin").get(f"/api/v1/community/units/{places['office'].pk}/feedback").json()
    assert feedback == [{"checkin_id": checkin_id, "member_name": "周建华", "community_name": "朝阳里社区党委",
                         "state": "confirmed", "hours": 1.5, "grade": "excellent"}]
