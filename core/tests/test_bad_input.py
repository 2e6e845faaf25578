"""Bad input gets a clear message and changes nothing; no malformed request produces a 500."""

import pytest

from core.models import AuditEntry
from orgs.models import Org

GARBAGE = [
    {"page": "abc"}, {"page": "-1"}, {"page": "99999999999999999999"}, {"sort": "password"},
    {"sort": "-;DROP TABLE orgs_org"}, {"q": "<script>alert(1)</script>"}, {"q": "'\" OR 1=1 --"},
    {"q": "x" * 5000}, {"within": "99999999999999999999999"}, {"within": "\x00"}, {"kind": "nope"},
    {"status": "../../etc/passwd"}, {"since": "2026-13-45"}, {"until": "yesterday"}, {"org": "%%"},
    {"export": "xml"}, {"open": "1\r\nSet-Cookie: x=y"},
]
URLS = ["/", "/orgs/", "/orgs/list/", "/members/", "/audit/", "/accounts/users/", "/system/"]


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "secretary", "member", "auditor", "secadmin"])
def test_no_query_string_makes_a_page_fail(world, persona):
    client = world.client(persona)
    for url in URLS:
        for params in GARBAGE:
            response = client.get(url, params)
            assert response.status_code < 500, (url, params, response.status_code)


def test_the_script_in_a_search_is_shown_as_text(world):
    response = world.client("a_admin").get("/members/", {"q": "<script>alert(1)</script>"})
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_an_invalid_org_form_shows_field_errors_and_writes_nothing(world):
    client = world.client("a_admin")
    orgs_before, audit_before = Org.objects.count(), AuditEntry.objects.count()
    response = client.post(f"/orgs/{world.street_a.pk}/new-child/", {
        "name": "", "code": "", "kind": "group", "level": "unit", "founded": "2026-02-30",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "这个字段是必填项" in body or "必填" in body
    assert "有效的日期" in body or "日期" in body
    assert Org.objects.count() == orgs_before and AuditEntry.objects.count() == audit_before


def test_a_rule_breaking_org_is_refused_with_the_rule_named(world):
    client = world.client("a_admin")
    orgs_before = Org.objects.count()
    response = client.post(f"/orgs/{world.street_a.pk}/new-child/", {
        "name": "第三党小组", "code": "HP01G3", "kind": "group", "level": "unit", "founded": "2010-01-01",
    })
    assert response.status_code == 200
    assert "党小组只能设在党支部" in response.content.decode()
    assert Org.objects.count() == orgs_before


def test_a_valid_child_org_is_created_and_audited_once(world):
    client = world.client("a_admin")
    audit_before = AuditEntry.objects.filter(action="org.create").count()
    response = client.post(f"/orgs/{world.branch_a1.pk}/new-child/", {
        "name": "第二党小组", "code": "hp01b01g2", "kind": "group", "level": "unit", "founded": "2010-01-01",
    })
    assert response.status_code == 302
    org = Org.objects.get(code="HP01B01G2")
    assert org.path.startswith(world.branch_a1.path) and org.depth == world.branch_a1.depth + 1
    assert AuditEntry.objects.filter(action="org.create").count() == audit_before + 1


def test_malformed_api_bodies_are_clear_errors(world, client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    response = client.post("/api/v1/auth/token", data={"username": 1}, content_type="application/json")
    assert response.status_code == 422
    assert "detail" in response.json()
