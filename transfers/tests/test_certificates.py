"""Renewing and closing a mobile member's certificate (流动党员活动证): the rules with their Chinese
messages and nothing written when refused, audit and timeline when done, the list's state and its
filter, and the pages and API answering by the scope (404 out of scope).

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from core.errors import NotFound
from core.models import AuditEntry
from members.models import Member, MemberEvent, MemberStatus
from members.tests.test_archive import api_client, clear_values
from transfers import selectors, services
from transfers.models import MobileCertificate
from transfers.tests.helpers import state
from transfers.tests.test_rules import certificate

TODAY = timezone.localdate()
PAGES = {"transfers:certificate_renew", "transfers:certificate_close"}
API = {"api:certificate_list", "api:certificate_detail", "api:certificate_renew", "api:certificate_close"}
SCOPE_TESTED = PAGES | API
PERSONAS = ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider"]
# Who may change which persona member (dangjian/testing.py), written out for the oracle.
CHANGES = {"city_admin": {"a1_member", "a1_secretary", "a2_member", "b1_member"},
           "a_admin": {"a1_member", "a1_secretary", "a2_member"}, "b_admin": {"b1_member"},
           "secretary": {"a1_member", "a1_secretary"}}


def one_each(world) -> dict:
    return {key: certificate(world, member=key, actor="city_admin", number=f"津流{i:04d}")
            for i, key in enumerate(world.members)}


def renew(world, cert, valid_until, actor="a_admin"):
    return services.certificate_renew(actor=world.users[actor], certificate=cert, valid_until=valid_until)


def close(world, cert, actor="a_admin", **extra):
    fields = {"closed_on": TODAY, "close_kind": "came_back", "close_reason": "务工结束返乡", **extra}
    return services.certificate_close(actor=world.users[actor], certificate=cert, **fields)


# --- rules -------------------------------------------------------------------------------------


def test_a_renewal_moves_the_validity_and_keeps_the_old_date_on_the_timeline_and_in_the_audit(world):
    cert = certificate(world, days_left=5)
    new = add_months(TODAY, 12)
    renew(world, cert, new)
    cert.refresh_from_db()
    assert cert.valid_until == new and cert.number == "津流2026001"
    event = MemberEvent.objects.order_by("-pk").first()
    assert event.kind == "mobile_certificate_renew" and event.actor == world.users["a_admin"]
    assert f"{TODAY + timedelta(days=5):%Y-%m-%d} → {new:%Y-%m-%d}" in event.summary
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "transfer.certificate_renew" and entry.username == "a_admin"
    assert entry.changes == {"valid_until": [(TODAY + timedelta(days=5)).isoformat(), new.isoformat()]}


def test_an_expired_certificate_is_renewed_from_today(world):
    cert = certificate(world)
    MobileCertificate.objects.filter(pk=cert.pk).update(valid_until=TODAY - timedelta(days=5))
    assert [w.level for w in selectors.warnings(world.users["a_admin"])] == ["red"]
    renew(world, MobileCertificate.objects.get(pk=cert.pk), add_months(TODAY, 12))
    assert not MobileCertificate.objects.get(pk=cert.pk).is_expired()
    assert selectors.warnings(world.users["a_admin"]) == []


@pytest.mark.parametrize("valid_until, fragment", [
    (lambda c: add_months(TODAY, 12) + timedelta(days=1), "每次换发最长延续12个月"),
    (lambda c: c.valid_until, "新的有效期须晚于今天和原有效期"),
    (lambda c: c.valid_until - timedelta(days=1), "新的有效期须晚于今天和原有效期"),
    (lambda c: TODAY, "新的有效期须晚于今天"),
])
def test_a_bad_renewal_is_refused_in_chinese_and_writes_nothing(world, valid_until, fragment):
    cert = certificate(world, days_left=10)
    before = state(), MobileCertificate.objects.get(pk=cert.pk).valid_until
    with pytest.raises(ValidationError) as info:
        renew(world, cert, valid_until(cert))
    assert fragment in " ".join(info.value.messages)
    assert (state(), MobileCertificate.objects.get(pk=cert.pk).valid_until) == before


def test_a_closed_certificate_or_a_member_who_left_is_not_renewed(world):
    cert = certificate(world)
    close(world, cert)
    other = certificate(world, member="a2_member", number="津流2026002")
    Member.objects.filter(pk=world.members["a2_member"].pk).update(status=MemberStatus.DECEASED)
    before = state(), MobileCertificate.objects.get(pk=cert.pk).valid_until
    with pytest.raises(ValidationError) as info:
        renew(world, cert, TODAY + timedelta(days=300))
    assert "已于" in info.value.messages[0] and "收回，不能换发" in info.value.messages[0]
    with pytest.raises(ValidationError) as info:
        renew(world, other, TODAY + timedelta(days=300))
    assert "只有正式党员和预备党员" in " ".join(info.value.messages)
    assert (state(), MobileCertificate.objects.get(pk=cert.pk).valid_until) == before


def test_closing_records_the_day_the_kind_and_the_reason(world):
    cert = certificate(world)
    close(world, cert, close_kind="returned", close_reason="流动结束，交回活动证")
    cert.refresh_from_db()
    assert (cert.closed_on, cert.close_kind, cert.state()) == (TODAY, "returned", "closed")
    assert not cert.is_expired(TODAY + timedelta(days=1000))
    event = MemberEvent.objects.order_by("-pk").first()
    assert event.kind == "mobile_certificate_close" and "流动结束，交回活动证" in event.summary
    assert AuditEntry.objects.order_by("-seq").first().action == "transfer.certificate_close"
    assert Member.objects.get(pk=cert.member_id).org == world.branch_a1  # the member stays where they are


@pytest.mark.parametrize("extra, fragment", [
    ({"close_reason": " "}, "请填写收回说明"),
    ({"close_kind": "lost"}, "请选择收回情形"),
    ({"closed_on": TODAY + timedelta(days=1)}, "收回日期不能晚于今天"),
    ({"closed_on": TODAY - timedelta(days=365)}, "收回日期不能早于发证日期"),
])
def test_a_bad_closing_is_refused_in_chinese_and_writes_nothing(world, extra, fragment):
    cert = certificate(world)
    before = state(), MobileCertificate.objects.filter(closed_on__isnull=False).count()
    with pytest.raises(ValidationError) as info:
        close(world, cert, **extra)
    assert fragment in " ".join(info.value.messages)
    assert (state(), MobileCertificate.objects.filter(closed_on__isnull=False).count()) == before


def test_a_certificate_is_closed_once(world):
    cert = certificate(world)
    close(world, cert)
    before = state()
    with pytest.raises(ValidationError) as info:
        close(world, cert)
    assert "已于" in info.value.messages[0]
    assert state() == before


@pytest.mark.parametrize("persona", ["b_admin", "member", "outsider"])
def test_out_of_scope_the_services_are_404_and_write_nothing(world, persona):
    cert = certificate(world)
    before = state()
    with pytest.raises(NotFound):
        renew(world, cert, TODAY + timedelta(days=300), actor=persona)
    with pytest.raises(NotFound):
        close(world, cert, actor=persona)
    assert state() == before


def test_a_closed_certificate_raises_no_warning(world):
    cert = certificate(world, days_left=3)
    assert [w.level for w in selectors.warnings(world.users["a_admin"])] == ["yellow"]
    close(world, cert)
    assert selectors.warnings(world.users["a_admin"]) == []


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_the_state_flags_the_expired_and_filters_by_state(world):
    valid = certificate(world)
    expired = certificate(world, member="a2_member", number="津流2026002")
    MobileCertificate.objects.filter(pk=expired.pk).update(valid_until=TODAY - timedelta(days=1))
    closed = certificate(world, member="a1_secretary", number="津流2026003")
    close(world, closed)
    client = world.client("a_admin")
    body = client.get(reverse("transfers:certificates")).content.decode()
    assert "⚠ 已过期，待换发或收回" in body and "已收回" in body and ">有效<" in body
    assert reverse("transfers:certificate_renew", args=[valid.pk]) in body
    assert reverse("transfers:certificate_renew", args=[closed.pk]) not in body
    for value, wanted in (("valid", valid), ("expired", expired), ("closed", closed)):
        page = client.get(reverse("transfers:certificates"), {"state": value}).context["page"]
        assert [c.pk for c in page.object_list] == [wanted.pk], value
    # A district admin elsewhere sees none of them, and no action links.
    assert list(world.client("b_admin").get(reverse("transfers:certificates")).context["page"].object_list) == []


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS + ["sysadmin", "auditor"])
def test_the_renew_and_close_pages_answer_by_the_oracle_and_404_out_of_scope(world, persona):
    certs = one_each(world)
    client = world.client(persona)
    before = state()
    violations = []
    for key, cert in certs.items():
        allowed = key in CHANGES.get(persona, ())
        for name in PAGES:
            status = client.get(reverse(name, args=[cert.pk])).status_code
            if status != (200 if allowed else 404):
                violations.append((name, key, status))
        if not allowed:
            assert client.post(reverse("transfers:certificate_renew", args=[cert.pk]),
                               {"valid_until": str(TODAY + timedelta(days=300))}).status_code == 404
            assert client.post(reverse("transfers:certificate_close", args=[cert.pk]), {
                "closed_on": str(TODAY), "close_kind": "returned", "close_reason": "越权"}).status_code == 404
    assert violations == []
    if persona not in CHANGES:
        assert state() == before


def test_renewing_and_closing_through_the_pages(world):
    cert = certificate(world, days_left=10)
    client = world.client("secretary")
    page = client.get(reverse("transfers:certificate_renew", args=[cert.pk])).content.decode()
    assert "原有效期至" in page and "确认换发" in page
    too_late = add_months(TODAY, 13)
    response = client.post(reverse("transfers:certificate_renew", args=[cert.pk]), {"valid_until": str(too_late)})
    assert response.status_code == 200
    assert "每次换发最长延续12个月" in " ".join(response.context["form"].errors["valid_until"])
    response = client.post(reverse("transfers:certificate_renew", args=[cert.pk]),
                           {"valid_until": str(TODAY + timedelta(days=200))})
    assert response.status_code == 302 and response["Location"] == reverse("transfers:certificates")
    assert MobileCertificate.objects.get(pk=cert.pk).valid_until == TODAY + timedelta(days=200)
    response = client.post(reverse("transfers:certificate_close", args=[cert.pk]),
                           {"closed_on": str(TODAY), "close_kind": "came_back", "close_reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["close_reason"]
    response = client.post(reverse("transfers:certificate_close", args=[cert.pk]),
                           {"closed_on": str(TODAY), "close_kind": "came_back", "close_reason": "已返回"})
    assert response.status_code == 302 and MobileCertificate.objects.get(pk=cert.pk).closed_on == TODAY


def test_the_pages_send_anonymous_to_login(world):
    cert = certificate(world)
    for name in PAGES:
        response = Client().get(reverse(name, args=[cert.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_answers_by_the_oracle_and_404s_out_of_scope(world, persona):
    certs = one_each(world)
    api = api_client(persona)
    expected = {certs[k].pk for k in CHANGES.get(persona, ())}
    body = api.get(reverse("api:certificate_list"), {"limit": 200}).json()
    assert {item["id"] for item in body["items"]} == expected
    violations = []
    for key, cert in certs.items():
        allowed = key in CHANGES.get(persona, ())
        calls = [
            ("detail", api.get(reverse("api:certificate_detail", args=[cert.pk])), 200),
            ("renew", api.post(reverse("api:certificate_renew", args=[cert.pk]),
                               {"valid_until": str(TODAY + timedelta(days=300))}, content_type="application/json"), 200),
            ("close", api.post(reverse("api:certificate_close", args=[cert.pk]),
                               {"close_kind": "returned", "close_reason": "交回"}, content_type="application/json"), 200),
        ]
        for name, response, ok in calls:
            if response.status_code != (ok if allowed else 404):
                violations.append((name, key, response.status_code))
    assert violations == []
    assert MobileCertificate.objects.filter(closed_on__isnull=False).count() == len(expected)


def test_the_api_renews_filters_and_refuses_in_chinese(world):
    cert = certificate(world, days_left=10)
    api = api_client("a_admin")
    before = state()
    response = api.post(reverse("api:certificate_renew", args=[cert.pk]),
                        {"valid_until": str(add_months(TODAY, 13))}, content_type="application/json")
    assert response.status_code == 422 and "每次换发最长延续12个月" in response.json()["detail"]
    response = api.post(reverse("api:certificate_close", args=[cert.pk]),
                        {"close_kind": "returned", "close_reason": ""}, content_type="application/json")
    assert response.status_code == 422 and "请填写收回说明" in response.json()["detail"]
    assert state() == before
    response = api.post(reverse("api:certificate_renew", args=[cert.pk]),
                        {"valid_until": str(TODAY + timedelta(days=100))}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "valid"
    MobileCertificate.objects.filter(pk=cert.pk).update(valid_until=TODAY - timedelta(days=1))
    item = api.get(reverse("api:certificate_list"), {"state": "expired"}).json()["items"][0]
    assert (item["id"], item["expired"], item["state_display"]) == (cert.pk, True, "已过期，待换发或收回")
    assert item["contact"] == "138****5678" and clear_values(str(item)) == []
    assert api.get(reverse("api:certificate_list"), {"state": "bogus"}).status_code == 422


def test_the_certificate_api_needs_a_token(world):
    cert = certificate(world)
    for method, url in (("get", reverse("api:certificate_list")), ("get", reverse("api:certificate_detail", args=[cert.pk])),
                        ("post", reverse("api:certificate_renew", args=[cert.pk])),
                        ("post", reverse("api:certificate_close", args=[cert.pk]))):
        assert getattr(Client(), method)(url).status_code == 401
