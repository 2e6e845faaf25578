"""/api/v1/care: lists hold exactly the rows of the pages' scope, writes go through the services
(audit, timeline) and 404 out of scope, refusals are 422 in Chinese with nothing written, and no
answer carries an ID number or a phone.

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from care.models import CareVisit
from care.tests.test_care import TODAY, years_ago
from care.tests.test_visit_edit import CHANGES, PAGES, record, state
from dangjian.testing import refusal_text
from members.models import Hardship, Member, MemberEvent
from members.tests.test_archive import PHONE, api_client, clear_values, update

LISTS = {"api:care_flagged_list", "api:care_pending_list", "api:care_visit_list", "api:care_stats"}
WRITES = {"api:care_visit_create", "api:care_visit_update", "api:care_visit_delete"}
SCOPE_TESTED = LISTS | WRITES | PAGES

MANAGERS = ["city_admin", "a_admin", "b_admin", "secretary"]
PERSONAS = MANAGERS + ["member", "outsider"]
NAMES = {"a1_member": "张秀英", "a1_secretary": "李建国", "a2_member": "王芳", "b1_member": "赵志强"}


@pytest.fixture
def due(world):
    """Every persona member due care: a1_member in hardship, a1_secretary of 50 years' standing,
    a2_member and b1_member aged 80."""
    m = world.members
    Hardship.objects.create(member=m["a1_member"], kind=Hardship.Kind.ILLNESS, description="慢性病",
                            since=date(2020, 1, 1))
    Member.objects.filter(pk=m["a1_secretary"].pk).update(joined=years_ago(51), converted=years_ago(50))
    Member.objects.filter(pk__in=[m["a2_member"].pk, m["b1_member"].pk]).update(birth_date=years_ago(80))
    return m


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] if "name" in item else item["member_name"] for item in response.json()["items"]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_lists_hold_exactly_the_members_the_persona_manages_and_404_for_others(world, due, persona):
    api = api_client(persona)
    visited = record(world, "a1_member")
    record(world, "b1_member")
    expected = {NAMES[k] for k in CHANGES.get(persona, ())}
    if persona not in MANAGERS:
        for name in LISTS:
            assert api.get(reverse(f"{name}")).status_code == 404, name
        return
    assert names(api.get(reverse("api:care_flagged_list"), {"limit": 200})) == expected
    assert names(api.get(reverse("api:care_pending_list"), {"limit": 200})) == expected - {"张秀英", "赵志强"}
    assert names(api.get(reverse("api:care_flagged_list"), {"visited": "visited"})) == expected & {"张秀英", "赵志强"}
    assert names(api.get(reverse("api:care_visit_list"))) == expected & {"张秀英", "赵志强"}
    rows = api.get(reverse("api:care_stats")).json()
    top = rows[0]
    assert top["is_child"] is False and top["flagged"] == len(expected)
    assert top["visits"] == len(expected & {"张秀英", "赵志强"})
    assert Decimal(str(top["amount"])) == Decimal("200.00") * top["visits"]
    assert visited.member.name == "张秀英"


def test_the_flagged_list_filters_like_the_page(world, due):
    api = api_client("city_admin")
    assert names(api.get(reverse("api:care_flagged_list"), {"reason": "standing"})) == {"李建国"}
    assert names(api.get(reverse("api:care_flagged_list"), {"within": world.branch_a2.code})) == {"王芳"}
    assert names(api.get(reverse("api:care_flagged_list"), {"q": "zxy"})) == {"张秀英"}
    item = api.get(reverse("api:care_flagged_list"), {"q": "李建国"}).json()["items"][0]
    assert item["reasons"] == ["光荣在党50年"] and item["standing_years"] == 50 and item["last_visited"] is None
    for query in ({"reason": "bogus"}, {"visited": "bogus"}, {"within": world.district_b.code}):
        response = api_client("a_admin").get(reverse("api:care_flagged_list"), query)
        assert response.status_code == 422 and "items" not in response.json(), query


def test_the_stats_drill_down_by_org_code_and_404_outside_the_scope(world, due):
    api = api_client("a_admin")
    rows = api.get(reverse("api:care_stats"), {"org": world.street_a.code, "year": TODAY.year}).json()
    assert [(r["org_code"], r["is_child"], r["flagged"]) for r in rows] == [
        ("HP01", False, 3), ("HP01B01", True, 2), ("HP01B02", True, 1)]
    assert api.get(reverse("api:care_stats"), {"org": world.district_b.code}).status_code == 404
    assert api.get(reverse("api:care_stats"), {"org": "NOSUCH"}).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_visit_writes_answer_in_scope_and_404_out_of_scope(world, due, persona):
    api = api_client(persona)
    visits = {key: record(world, key) for key in world.members}
    violations = []
    for key, visit in visits.items():
        allowed = key in CHANGES.get(persona, ())
        before = state()
        response = api.post(reverse("api:care_visit_create"), {
            "member_id": visit.member_id, "visited": str(TODAY), "visitors": "王委员", "occasion": "july_first"},
            content_type="application/json")
        if response.status_code != (201 if allowed else 404):
            violations.append(("create", key, response.status_code))
        response = api.patch(reverse("api:care_visit_update", args=[visit.pk]), {"note": "复访"},
                             content_type="application/json")
        if response.status_code != (200 if allowed else 404):
            violations.append(("update", key, response.status_code))
        response = api.delete(reverse("api:care_visit_delete", args=[visit.pk]))
        if response.status_code != (204 if allowed else 404):
            violations.append(("delete", key, response.status_code))
        if not allowed:
            assert state() == before, key
    assert violations == []


def test_a_visit_is_recorded_corrected_and_deleted_through_the_api_with_timeline_and_audit(world, due):
    from core.models import AuditEntry

    api = api_client("secretary")
    member = world.members["a1_member"]
    response = api.post(reverse("api:care_visit_create"), {
        "member_id": member.pk, "visited": str(TODAY), "visitors": "王委员", "occasion": "july_first",
        "gifts": "慰问信", "amount": "500"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["occasion_display"], body["member_name"], body["recorded_by"]) == ("七一", "张秀英", "secretary")
    visit_id = body["id"]
    response = api.patch(reverse("api:care_visit_update", args=[visit_id]), {"amount": None, "note": "改为实物"},
                         content_type="application/json")
    assert response.status_code == 200 and response.json()["amount"] is None and response.json()["gifts"] == "慰问信"
    assert MemberEvent.objects.filter(member=member).order_by("-pk").first().kind == "care_visit_update"
    assert AuditEntry.objects.order_by("-seq").first().action == "care.visit_update"
    assert api.delete(reverse("api:care_visit_delete", args=[visit_id])).status_code == 204
    assert not CareVisit.objects.filter(pk=visit_id).exists()
    assert [e.kind for e in MemberEvent.objects.filter(member=member).order_by("-pk")[:3]] == [
        "care_visit_delete", "care_visit_update", "care_visit"]


@pytest.mark.parametrize("payload, fragment", [
    ({"visitors": " "}, "请填写走访人"),
    ({"visited": str(TODAY + timedelta(days=1))}, "走访日期不能晚于今天"),
    ({"occasion": "birthday"}, "“occasion”不是可选值"),  # the schema's enum (core.api.model_in)
])
def test_a_refused_visit_is_422_in_chinese_and_nothing_is_written(world, due, payload, fragment):
    api = api_client("a_admin")
    visit = record(world)
    before = state()
    data = {"member_id": world.members["a2_member"].pk, "visited": str(TODAY), "visitors": "王委员", **payload}
    response = api.post(reverse("api:care_visit_create"), data, content_type="application/json")
    assert response.status_code == 422 and fragment in refusal_text(response), response.content
    response = api.patch(reverse("api:care_visit_update", args=[visit.pk]), payload, content_type="application/json")
    assert response.status_code == 422 and fragment in refusal_text(response), response.content
    assert state() == before


def test_a_member_who_has_left_is_not_visited_through_the_api(world, due):
    Member.objects.filter(pk=world.members["a2_member"].pk).update(status="deceased")
    api = api_client("a_admin")
    before = state()
    response = api.post(reverse("api:care_visit_create"), {
        "member_id": world.members["a2_member"].pk, "visited": str(TODAY), "visitors": "王委员"},
        content_type="application/json")
    assert response.status_code == 422 and "已不是在册党员" in response.json()["detail"]
    assert state() == before


def test_no_care_answer_carries_a_clear_id_or_phone(world, due):
    update(world, phone=PHONE)
    record(world)
    api = api_client("city_admin")
    text = json.dumps([api.get(reverse(name)).json() for name in LISTS], ensure_ascii=False)
    assert "张秀英" in text and clear_values(text) == []


def test_the_care_api_needs_a_token(world, due):
    visit = record(world)
    client = Client()
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 401
    assert client.post(reverse("api:care_visit_create")).status_code == 401
    assert client.patch(reverse("api:care_visit_update", args=[visit.pk])).status_code == 401
    assert client.delete(reverse("api:care_visit_delete", args=[visit.pk])).status_code == 401
