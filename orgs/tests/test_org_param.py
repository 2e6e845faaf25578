"""One org parameter (orgs.selectors.org_param): ``org``, an id or a code, scoped by a
permission; unknown and out of scope alike are 404, a malformed value a clear error."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import NotFound
from orgs.selectors import org_param
from orgs.tests.test_scope import api_client


def test_it_finds_an_org_by_id_or_by_code_in_either_case(world):
    user = world.users["a_admin"]
    for value in (world.branch_a1.pk, str(world.branch_a1.pk), world.branch_a1.code, world.branch_a1.code.lower()):
        assert org_param(user, value, "member.view") == world.branch_a1


def test_it_answers_none_for_no_value_so_the_caller_picks_its_default(world):
    assert org_param(world.users["a_admin"], "", "member.view") is None
    assert org_param(world.users["a_admin"], None, "member.view") is None


def test_it_treats_an_org_outside_the_permission_exactly_like_a_missing_one(world):
    user = world.users["a_admin"]
    for value in (world.district_b.code, str(world.district_b.pk), "NOSUCHORG", "9" * 17, "9" * 30):
        with pytest.raises(NotFound):
            org_param(user, value, "member.view")
    with pytest.raises(NotFound):  # the secretary sees the branch but reviews nothing
        org_param(world.users["secretary"], world.branch_a1.code, "orglife.review")


def test_without_a_permission_it_offers_what_the_user_sees_a_members_own_branch_too(world):
    assert org_param(world.users["member"], world.branch_a1.code) == world.branch_a1
    with pytest.raises(NotFound):
        org_param(world.users["member"], world.branch_a1.code, "member.view")


def test_it_refuses_a_value_that_can_be_neither_an_id_nor_a_code(world):
    for value in ("x" * 33, "HP\x00", "A\x07"):
        with pytest.raises(ValidationError, match="党组织参数有误"):
            org_param(world.users["a_admin"], value, "member.view")


@pytest.mark.parametrize("name", ["recruitment:warnings", "recruitment:plans", "orglife:compliance", "care:stats"])
def test_roll_up_pages_take_the_org_by_id_or_code_and_404_outside_the_scope(world, name):
    client = world.client("a_admin")
    for value in (world.street_a.code, str(world.street_a.pk)):
        response = client.get(reverse(name), {"org": value})
        assert response.status_code == 200
        assert response.context["object"] == world.street_a
    assert client.get(reverse(name), {"org": world.district_b.code}).status_code == 404
    assert client.get(reverse(name), {"org": "NOSUCHORG"}).status_code == 404
    malformed = client.get(reverse(name), {"org": "x" * 40})
    assert malformed.status_code == 400 and "党组织参数有误" in malformed.content.decode()


def test_list_pages_filter_by_org_and_still_read_the_old_name_within(world):
    client = world.client("a_admin")
    for key in ("org", "within"):
        response = client.get(reverse("members:list"), {key: world.branch_a2.code})
        assert {m.org_id for m in response.context["page"].object_list} == {world.branch_a2.pk}


def test_the_api_takes_org_and_its_old_name_and_documents_both(world):
    api = api_client("a_admin")
    for key in ("org", "within"):
        items = api.get("/api/v1/members", {key: world.branch_a2.code, "limit": 200}).json()["items"]
        assert items and {m["org_id"] for m in items} == {world.branch_a2.pk}
    refused = api.get("/api/v1/members", {"org": world.district_b.code})
    assert refused.status_code == 422 and "不在您的管理范围内" in refused.json()["errors"][0]["msg"]
    stats = api.get("/api/v1/care/stats", {"org": str(world.street_a.pk)})
    assert stats.status_code == 200 and stats.json()[0]["org_id"] == world.street_a.pk
    assert api.get("/api/v1/care/stats", {"org": world.district_b.code}).status_code == 404
    parameters = {p["name"]: p for p in
                  api.get("/api/v1/openapi.json").json()["paths"]["/api/v1/members"]["get"]["parameters"]}
    assert "org" in parameters and not parameters["org"].get("deprecated")
    assert parameters["within"]["deprecated"] is True
