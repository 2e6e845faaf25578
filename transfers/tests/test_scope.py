"""Scope of the transfer pages and API (reliability.md S1/S2): a letter is visible to users who
cover its sending or its receiving org (member.view), acted on by the right side only
(member.change), and 404 to everyone else — a third district's admin above all. The receiving side
sees the letter, never the sending org's other data.

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import api_client
from members.models import Member
from transfers.models import Letter, LetterState
from transfers.tests.helpers import issue, state, third_district
from transfers.tests.test_workflow import receive_external

LETTER_PAGES = {"transfers:detail": "get", "transfers:print": "get"}
ACTION_PAGES = {  # url name: the side that may act (the confirmation page is shown to both sides)
    "transfers:accept": "receiver", "transfers:return": "receiver", "transfers:cancel": "sender",
    "transfers:complete": "sender", "transfers:expire": "either",
}
PAGES_WITHOUT_ID = {"transfers:list", "transfers:warnings", "transfers:certificates"}
CHANGE_PAGES = {"transfers:issue", "transfers:receive_external", "transfers:certificate_create"}
API_URLS = {"api:letter_list", "api:letter_detail", "api:letter_issue", "api:letter_accept",
            "api:letter_return", "api:letter_cancel"}
SCOPE_TESTED = set(LETTER_PAGES) | set(ACTION_PAGES) | PAGES_WITHOUT_ID | CHANGE_PAGES | API_URLS

PERSONAS = ["city_admin", "a_admin", "b_admin", "c_admin", "secretary", "member", "outsider",
            "sysadmin", "auditor"]
LIST_PERSONAS = [p for p in PERSONAS if p not in ("sysadmin", "auditor")]
# Written out so the oracle does not ask the code under test (dangjian/testing.py and helpers.py).
GRANTED = {"city_admin": "city", "a_admin": "district_a", "b_admin": "district_b", "secretary": "branch_a1"}


@pytest.fixture
def letters(world):
    """A→B, A→A, A→outside, outside→B: every shape of letter, one member each."""
    world.users["c_admin"] = third_district(world)
    return {
        "a_to_b": issue(world, member="a1_member", to=world.branch_b1),
        "a_to_a": issue(world, member="a2_member", to=world.branch_a1),
        "a_out": issue(world, member="a1_secretary", to_org_name="平台外某党委"),
        "in_b": receive_external(world),
    }


def paths(world, persona) -> list[str]:
    if persona == "c_admin":
        from orgs.models import Org

        return [Org.objects.get(code="NK").path]
    return [getattr(world, GRANTED[persona]).path] if persona in GRANTED else []


def covers(world, persona, org) -> bool:
    return org is not None and any(org.path.startswith(p) for p in paths(world, persona))


def oracle(world, persona, letter) -> bool:
    return covers(world, persona, letter.from_org) or covers(world, persona, letter.to_org)



def client(world, persona):
    c = Client()
    c.force_login(world.users[persona])
    return c


# --- pages with a letter id --------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_letter_pages_answer_by_the_oracle_and_out_of_scope_is_404(world, letters, persona):
    c = client(world, persona)
    missing = (Letter.objects.order_by("-pk").first().pk or 0) + 1000
    violations = []
    for letter in [*letters.values(), Letter(pk=missing)]:
        allowed = letter.pk != missing and oracle(world, persona, letter)
        for name in [*LETTER_PAGES, *ACTION_PAGES]:
            status = c.get(reverse(name, args=[letter.pk])).status_code
            if status != (200 if allowed else 404):
                violations.append((name, letter.pk, status))
    assert violations == []


@pytest.mark.parametrize("persona", ["c_admin", "outsider", "member", "auditor"])
def test_out_of_scope_posts_are_404_and_write_nothing(world, letters, persona):
    c = client(world, persona)
    before = state()
    for letter in letters.values():
        for name in ACTION_PAGES:
            response = c.post(reverse(name, args=[letter.pk]), {"confirm": "on", "reason": "越权"})
            assert response.status_code == 404, (name, persona)
    assert state() == before


def test_the_wrong_side_is_refused_in_chinese_and_nothing_is_written(world, letters):
    letter = letters["a_to_b"]
    before = state()
    response = client(world, "a_admin").post(reverse("transfers:accept", args=[letter.pk]),
                                             {"confirm": "on"}, follow=True)
    assert "只有接收党组织可以接收或退回介绍信" in response.content.decode()
    response = client(world, "b_admin").post(reverse("transfers:cancel", args=[letter.pk]),
                                             {"confirm": "on", "reason": "x"}, follow=True)
    assert "只有转出党组织" in response.content.decode()
    assert state() == before


def test_an_unconfirmed_action_changes_nothing(world, letters):
    before = state()
    response = client(world, "b_admin").post(reverse("transfers:accept", args=[letters["a_to_b"].pk]), {})
    assert response.status_code == 200 and response.context["form"].errors["confirm"]
    assert state() == before


def test_accepting_through_the_page_moves_the_member(world, letters):
    letter = letters["a_to_b"]
    response = client(world, "b_admin").post(reverse("transfers:accept", args=[letter.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert Member.objects.get(pk=letter.member_id).org == world.branch_b1
    letter.refresh_from_db()
    assert letter.state == LetterState.RECEIVED


def test_returning_through_the_page_needs_a_reason(world, letters):
    url = reverse("transfers:return", args=[letters["a_to_b"].pk])
    before = state()
    response = client(world, "b_admin").post(url, {"confirm": "on", "reason": ""})
    assert response.status_code == 200 and "请填写原因" in response.content.decode()
    assert state() == before
    client(world, "b_admin").post(url, {"confirm": "on", "reason": "材料不全"})
    assert Letter.objects.get(pk=letters["a_to_b"].pk).state == LetterState.RETURNED


def test_the_receiving_side_sees_the_letter_but_not_the_sending_orgs_members(world, letters):
    letter, c = letters["a_to_b"], client(world, "b_admin")
    body = c.get(reverse("transfers:detail", args=[letter.pk])).content.decode()
    assert world.members["a1_member"].name in body
    assert reverse("members:detail", args=[letter.member_id]) not in body
    assert world.branch_a1.get_absolute_url() not in body
    assert c.get(reverse("members:detail", args=[letter.member_id])).status_code == 404
    assert c.get(reverse("orgs:detail", args=[world.branch_a1.pk])).status_code == 404
    listed = {m.pk for m in c.get(reverse("members:list")).context["page"].object_list}
    assert listed.isdisjoint({m.pk for m in Member.objects.filter(org__in=[world.branch_a1, world.branch_a2])})
    # Other letters of A (to A itself, to outside) stay invisible to B.
    for other in ("a_to_a", "a_out"):
        assert c.get(reverse("transfers:detail", args=[letters[other].pk])).status_code == 404
    # Once accepted, the member is B's.
    c.post(reverse("transfers:accept", args=[letter.pk]), {"confirm": "on"})
    assert c.get(reverse("members:detail", args=[letter.member_id])).status_code == 200


def test_the_print_page_has_stub_letter_and_receipt_on_a4(world, letters):
    response = client(world, "a_admin").get(reverse("transfers:print", args=[letters["a_to_b"].pk]))
    body = response.content.decode()
    for part in ("（存根）", "组织关系介绍信</h2>", "（回执）", letters["a_to_b"].number, "transfers/print.css"):
        assert part in body, part
    assert "<script" not in body
    assert client(world, "c_admin").get(reverse("transfers:print", args=[letters["a_to_b"].pk])).status_code == 404


# --- lists ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_the_list_holds_exactly_the_oracle_letters_in_and_out(world, letters, persona):
    c = client(world, persona)
    expected = {letter.pk for letter in letters.values() if oracle(world, persona, letter)}
    response = c.get(reverse("transfers:list"))
    assert response.status_code == 200
    assert {letter.pk for letter in response.context["page"].object_list} == expected
    outgoing = {lt.pk for lt in letters.values() if covers(world, persona, lt.from_org)}
    incoming = {lt.pk for lt in letters.values() if covers(world, persona, lt.to_org)}
    for direction, wanted in (("out", outgoing), ("in", incoming)):
        page = c.get(reverse("transfers:list"), {"direction": direction}).context["page"]
        assert {lt.pk for lt in page.object_list} == wanted, direction


def test_the_list_is_an_htmx_fragment_for_htmx_requests(world, letters):
    response = client(world, "a_admin").get(reverse("transfers:list"), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_list_pages_without_id_answer_everyone_logged_in_and_send_anonymous_to_login(world, letters):
    for name in PAGES_WITHOUT_ID | CHANGE_PAGES:
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    for name in [*LETTER_PAGES, *ACTION_PAGES]:
        response = Client().get(reverse(name, args=[letters["a_to_b"].pk]))
        assert response.status_code == 302, name


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_the_system_administrators_reach_no_transfer_page(world, letters, persona):
    """三员分立: the system and audit administrators read no business data, not even an empty list."""
    c = client(world, persona)
    for name in PAGES_WITHOUT_ID | CHANGE_PAGES:
        assert c.get(reverse(name)).status_code == 404, name


@pytest.mark.parametrize("persona", LIST_PERSONAS)
def test_forms_that_write_exist_only_for_users_with_member_change(world, letters, persona):
    c = client(world, persona)
    for name in CHANGE_PAGES:
        assert c.get(reverse(name)).status_code == (200 if paths(world, persona) else 404), name


# --- the issue form ------------------------------------------------------------------------------


def test_the_issue_form_offers_only_members_the_user_may_change(world):
    body = client(world, "secretary").get(reverse("transfers:issue")).content.decode()
    assert f'value="{world.members["a1_member"].pk}"' in body
    for key in ("a2_member", "b1_member"):
        assert f'value="{world.members[key].pk}"' not in body


def issue_form(world, **overrides):
    today = timezone.localdate()
    data = {"member": world.members["a1_member"].pk, "to_org_code": "hx01b01", "issued_on": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(), "dues_paid_until": f"{today:%Y-%m}",
            "reason": "工作调动"}
    data.update(overrides)
    return data


def test_issuing_through_the_page_to_an_org_outside_the_scope(world):
    response = client(world, "a_admin").post(reverse("transfers:issue"), issue_form(world))
    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == letter.get_absolute_url()
    assert letter.to_org == world.branch_b1 and letter.dues_paid_until == timezone.localdate().replace(day=1)


@pytest.mark.parametrize("overrides, fragment", [
    ({"to_org_code": "NOPE"}, "不存在"),
    ({"to_org_code": "HP01B01"}, "不能是党员现所在的党组织"),
    ({"valid_until": (timezone.localdate() + timedelta(days=120)).isoformat()}, "组通字〔2006〕45号"),
    ({"member": "999999"}, "选择一个有效的选项"),
    ({"outside": "on", "to_org_code": ""}, "平台外接收党组织的名称"),
])
def test_a_bad_issue_form_shows_the_reason_and_writes_nothing(world, overrides, fragment):
    before = state()
    response = client(world, "a_admin").post(reverse("transfers:issue"), issue_form(world, **overrides))
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert state() == before


def test_a_member_of_another_district_cannot_be_named_in_the_form(world):
    before = state()
    response = client(world, "a_admin").post(reverse("transfers:issue"),
                                             issue_form(world, member=world.members["b1_member"].pk,
                                                        to_org_code="HP01B02"))
    assert response.status_code == 200 and response.context["form"].errors["member"]
    assert state() == before


# --- navigation ------------------------------------------------------------------------------------


def test_the_nav_shows_transfers_to_users_with_member_view(world):
    assert "组织关系转接" in client(world, "a_admin").get("/").content.decode()
    assert "组织关系转接" not in client(world, "outsider").get("/").content.decode()


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "b_admin", "c_admin", "secretary", "member"])
def test_api_list_and_detail_answer_by_the_oracle(world, letters, persona):
    api = api_client(persona)
    expected = {lt.pk for lt in letters.values() if oracle(world, persona, lt)}
    body = api.get("/api/v1/transfers", {"limit": 200}).json()
    assert {item["id"] for item in body["items"]} == expected and body["count"] == len(expected)
    for letter in letters.values():
        response = api.get(reverse("api:letter_detail", args=[letter.pk]))
        assert response.status_code == (200 if letter.pk in expected else 404)


@pytest.mark.parametrize("persona", ["c_admin", "member", "outsider"])
def test_api_writes_out_of_scope_are_404_and_write_nothing(world, letters, persona):
    api = api_client(persona)
    before = state()
    letter = letters["a_to_b"]
    for name, payload in (("api:letter_accept", None), ("api:letter_return", {"reason": "x"}),
                          ("api:letter_cancel", {"reason": "x"})):
        response = api.post(reverse(name, args=[letter.pk]), payload or {}, content_type="application/json")
        assert response.status_code == 404, name
        assert response.json()["detail"] == "未找到，或不在您的管理范围内"
    response = api.post("/api/v1/transfers", {"member_id": world.members["b1_member"].pk,
                                              "to_org_code": "HP01B01", "valid_until": str(timezone.localdate()),
                                              "dues_paid_until": str(timezone.localdate()), "reason": "x"},
                        content_type="application/json")
    assert response.status_code == 404
    assert state() == before


def test_api_issue_accept_and_refusals_in_chinese(world):
    a_api, b_api = api_client("a_admin"), api_client("b_admin")
    today = timezone.localdate()
    payload = {"member_id": world.members["a1_member"].pk, "to_org_code": "HX01B01",
               "valid_until": str(today + timedelta(days=100)), "dues_paid_until": str(today), "reason": "调动"}
    response = a_api.post("/api/v1/transfers", payload, content_type="application/json")
    assert response.status_code == 422 and "组通字〔2006〕45号" in response.json()["detail"]
    payload["valid_until"] = str(today + timedelta(days=60))
    response = a_api.post("/api/v1/transfers", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    letter_id = response.json()["id"]
    assert response.json()["dues_paid_until"] == f"{today:%Y-%m}"
    response = a_api.post(reverse("api:letter_accept", args=[letter_id]))
    assert response.status_code == 403 and "只有接收党组织" in response.json()["detail"]
    response = b_api.post(reverse("api:letter_accept", args=[letter_id]))
    assert response.status_code == 200 and response.json()["state"] == "received"
    assert Member.objects.get(pk=world.members["a1_member"].pk).org == world.branch_b1
    response = b_api.post(reverse("api:letter_accept", args=[letter_id]))
    assert response.status_code == 422 and "已接收，不能接收" in response.json()["detail"]
    response = b_api.post(reverse("api:letter_return", args=[letter_id]), {"reason": "x"},
                          content_type="application/json")
    assert response.status_code == 422 and "不能退回" in response.json()["detail"]


def test_api_return_keeps_the_member(world, letters):
    response = api_client("b_admin").post(reverse("api:letter_return", args=[letters["a_to_b"].pk]),
                                          {"reason": "材料不全"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "returned"
    assert Member.objects.get(pk=letters["a_to_b"].member_id).org == world.branch_a1


def test_api_needs_a_token(world, letters):
    for url in ("/api/v1/transfers", reverse("api:letter_detail", args=[letters["a_to_b"].pk])):
        assert Client().get(url).status_code == 401
    assert Client().post(reverse("api:letter_accept", args=[letters["a_to_b"].pk])).status_code == 401


