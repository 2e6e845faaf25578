"""/api/v1/dues: every operation 404 out of scope; writes through the services (422 with the
Chinese message on refusal); the member's own dues."""

from django.utils import timezone

from dangjian.testing import api_client
from dues import rules, services
from dues.models import DuesPayment, DuesYear
from dues.rules import Category

TODAY = timezone.localdate()
YEAR = TODAY.year
NOW = rules.month_index(TODAY)
BASE = "/api/v1/dues"


def test_every_operation_is_not_found_for_an_org_or_member_out_of_scope(world):
    client = api_client("b_admin")
    branch, member = world.branch_a1.pk, world.members["a1_member"].pk
    for url in (f"{BASE}/orgs/{branch}/years", f"{BASE}/orgs/{branch}/arrears", f"{BASE}/orgs/{branch}/summary"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{BASE}/orgs/{branch}/confirm?year={YEAR}").status_code == 404
    assert client.post(f"{BASE}/orgs/{branch}/carry?year={YEAR}").status_code == 404
    body = {"member_id": member, "year": YEAR, "category": "employed", "base_fen": 540_000}
    assert client.post(f"{BASE}/years", body, content_type="application/json").status_code == 404
    body = {"member_id": member, "month": f"{TODAY:%Y-%m}", "months": 1, "method": "cash"}
    assert client.post(f"{BASE}/payments", body, content_type="application/json").status_code == 404
    assert api_client("outsider").get(f"{BASE}/mine").status_code == 404
    assert client.get(f"{BASE}/orgs/{branch}/reconciliation").status_code == 404
    body = {"org_id": branch, "year": YEAR, "amount_fen": 100, "remitted_on": f"{TODAY:%Y-%m-%d}"}
    assert client.post(f"{BASE}/remittances", body, content_type="application/json").status_code == 404
    assert not DuesYear.objects.exists() and not DuesPayment.objects.exists()


def test_the_secretary_sets_confirms_and_records_through_the_api(world):
    client = api_client("secretary")
    member = world.members["a1_member"]
    body = {"member_id": member.pk, "year": YEAR, "category": "employed", "base_fen": 1_150_000}
    response = client.post(f"{BASE}/years", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["amount_fen"] == 23000
    bad = client.post(f"{BASE}/years", {**body, "base_fen": -1}, content_type="application/json")
    assert bad.status_code == 422 and "不能为负数" in bad.json()["detail"]
    assert client.post(f"{BASE}/orgs/{world.branch_a1.pk}/confirm?year={YEAR}").status_code == 200
    services.standing_open(actor=world.users["secretary"], member=member, paid_up_to=NOW - 1)
    body = {"member_id": member.pk, "month": f"{TODAY:%Y-%m}", "months": 1, "method": "transfer"}
    response = client.post(f"{BASE}/payments", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["receipt"]
    again = client.post(f"{BASE}/payments", body, content_type="application/json")
    assert again.status_code == 422 and "不能重复缴纳" in again.json()["detail"]
    years = client.get(f"{BASE}/orgs/{world.branch_a1.pk}/years?year={YEAR}").json()
    assert [row["due_fen"] for row in years] == [23000]
    summary = api_client("a_admin").get(f"{BASE}/orgs/{world.district_a.pk}/summary?year={YEAR}").json()
    assert summary["months"][0]["amount_fen"] == 23000
    mine = api_client("member").get(f"{BASE}/mine").json()
    assert mine["paid_up_to"] == f"{TODAY:%Y-%m}" and mine["behind"] == 0


def test_arrears_list_the_members_behind(world):
    member = world.members["a1_member"]
    services.year_set(actor=world.users["secretary"], member=member, year=YEAR, category=Category.EMPLOYED, base_fen=540_000)
    services.standing_open(actor=world.users["secretary"], member=member, paid_up_to=NOW - 4)
    rows = api_client("a_admin").get(f"{BASE}/orgs/{world.branch_a1.pk}/arrears").json()
    assert [(row["member_name"], row["behind"], row["level"]) for row in rows] == [("张秀英", 3, "yellow")]


def test_a_malformed_month_is_refused_not_a_server_error(world):
    client = api_client("secretary")
    body = {"member_id": world.members["a1_member"].pk, "month": "2026-13", "months": 1, "method": "cash"}
    response = client.post(f"{BASE}/payments", body, content_type="application/json")
    assert response.status_code == 422


def test_a_remittance_and_the_reconciliation_through_the_api(world):
    body = {"org_id": world.branch_a1.pk, "year": YEAR, "amount_fen": 5000, "remitted_on": f"{TODAY:%Y-%m-%d}"}
    response = api_client("secretary").post(f"{BASE}/remittances", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["to_org_id"] == world.street_a.pk
    data = api_client("a_admin").get(f"{BASE}/orgs/{world.street_a.pk}/reconciliation?year={YEAR}").json()
    row = next(r for r in data["children"] if r["org_id"] == world.branch_a1.pk)
    assert (row["received_fen"], row["remitted_fen"], row["difference_fen"]) == (0, 5000, -5000)
