"""Scope: the warnings and health pages and the three API operations answer only for an org the
user follows (orglife.view), 404 otherwise — unknown and out of scope alike; the workbench shows
only the user's own scope. Bad input is a Chinese message or a 404, never a 500.
``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import api_client
from insights.tests.test_warnings import _term

pytestmark = pytest.mark.django_db

PAGES = {"insights:warnings", "insights:health", "insights:report", "insights:dashboard", "insights:screen"}
API = {"api:insights_warnings", "api:insights_health", "api:insights_workbench", "api:insights_report",
       "api:insights_dashboard", "api:insights_screen"}
SCOPE_TESTED = PAGES | API

PERSONAS = ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider", "sysadmin", "auditor"]
ORGS = ["city", "district_a", "street_a", "branch_a1", "group_a1", "branch_a2", "district_b", "branch_b1"]
FOLLOWS = {"city_admin": "city", "a_admin": "district_a", "b_admin": "district_b", "secretary": "branch_a1"}


def follows(world, persona, org) -> bool:
    top = FOLLOWS.get(persona)
    return top is not None and org.path.startswith(getattr(world, top).path)


def urls(org):
    return [*(f"{reverse(name)}?org={org.pk}" for name in sorted(PAGES)),
            f"{reverse('insights:dashboard')}?org={org.pk}&export=xlsx", f"{reverse('insights:screen')}?org={org.pk}&data=1"]


def api_urls(org):
    return [f"/api/v1/insights/{name}?org={org.pk}" for name in ("warnings", "health", "report", "dashboard", "screen")]


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_answer_only_in_scope(world, persona):
    client = world.client(persona)
    for attr in ORGS:
        org = getattr(world, attr)
        expected = 200 if follows(world, persona, org) else 404
        for url in urls(org):
            assert client.get(url).status_code == expected, (persona, attr, url)


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "secretary", "member", "outsider"])
def test_the_api_answers_only_in_scope(world, persona):
    client = api_client(persona)
    for attr in ORGS:
        org = getattr(world, attr)
        expected = 200 if follows(world, persona, org) else 404
        for url in api_urls(org):
            response = client.get(url)
            assert response.status_code == expected, (persona, attr, url, response.content)
            if expected == 404:
                assert "detail" in response.json()


def test_without_an_org_the_users_top_org_or_404(world):
    assert world.client("a_admin").get(reverse("insights:warnings")).context["object"] == world.district_a
    assert world.client("secretary").get(reverse("insights:health")).context["object"] == world.branch_a1
    assert world.client("member").get(reverse("insights:warnings")).status_code == 404
    assert api_client("outsider").get("/api/v1/insights/warnings").status_code == 404


def test_anonymous_is_sent_to_log_in_and_the_api_asks_for_a_token(world):
    for name in sorted(PAGES):
        assert Client().get(reverse(name)).status_code == 302
    for url in ("/api/v1/insights/workbench", "/api/v1/insights/warnings", "/api/v1/insights/health",
                "/api/v1/insights/report", "/api/v1/insights/dashboard", "/api/v1/insights/screen"):
        assert Client().get(url).status_code == 401


@pytest.mark.parametrize("value", ["abc", "999999999", "99999999999999999999999", "HX01B01"])
def test_an_unknown_or_foreign_org_is_404(world, value):
    for name in sorted(PAGES):
        assert world.client("a_admin").get(f"{reverse(name)}?org={value}").status_code == 404
    for name in ("warnings", "dashboard", "screen"):
        assert api_client("a_admin").get(f"/api/v1/insights/{name}?org={value}").status_code == 404


def test_text_that_can_be_no_org_is_a_chinese_message(world):
    page = world.client("a_admin").get(reverse("insights:warnings") + "?org=%E5%92%8C%01%E5%92%8C")
    assert page.status_code == 400 and "党组织参数有误" in page.content.decode()
    response = api_client("a_admin").get("/api/v1/insights/health?org=" + "9" * 40)
    assert response.status_code == 422 and "不能超过" in str(response.json())
    response = api_client("a_admin").get("/api/v1/insights/health?org=%E5%92%8C%01%E5%92%8C")
    assert response.status_code == 422 and "控制字符" in str(response.json())


def test_the_workbench_api_is_the_users_own(world):
    assert api_client("a_admin").get("/api/v1/insights/workbench").json()["subtrees"][0]["org_id"] == world.district_a.pk
    mine = api_client("secretary").get("/api/v1/insights/workbench").json()
    assert [b["org_id"] for b in mine["branches"]] == [world.branch_a1.pk]
    assert mine["subtrees"] == [] and mine["member"]["member_id"] == world.members["a1_secretary"].pk
    assert api_client("outsider").get("/api/v1/insights/workbench").json() == {"branches": [], "subtrees": [],
                                                                                "member": None}


def test_the_api_pages_the_warnings_with_their_count(world):
    today = timezone.localdate()
    for days in (1, 2, 3):
        _term(world.branch_a1, today - timedelta(days=days))
    body = api_client("a_admin").get(f"/api/v1/insights/warnings?org={world.branch_a1.pk}&limit=2").json()
    terms = [w for w in body["items"] if w["kind"] == "term"]
    assert body["count"] >= 3 and len(body["items"]) == 2
    assert all(w["level"] == "red" for w in body["items"]) and all(w["source"] for w in body["items"])
    assert terms == [] or terms[0]["url"] == world.branch_a1.get_absolute_url()
