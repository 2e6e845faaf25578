"""Separation of duties (三员分立, test plan S3): the system, security and audit administrators
each reach only their own function, never business data, and one person never holds two roles."""

import re
import secrets
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, Grant, User
from core.access import Role
from core.models import AuditEntry
from dangjian.testing import PASSWORD, make_user

ADMINS = ("sysadmin", "secadmin", "auditor")


def own_pages(world):
    member_user = world.users["member"].pk
    return {
        "sysadmin": ["/system/"],
        "secadmin": ["/accounts/users/", "/accounts/users/new/", f"/accounts/users/{member_user}/"],
        "auditor": ["/audit/", "/audit/?export=csv"],
    }


def business_pages(world):
    city, member = world.city.pk, world.members["a1_member"].pk
    return [
        "/orgs/", "/orgs/?q=和平", "/orgs/list/", "/orgs/list/?export=csv", f"/orgs/{city}/",
        f"/orgs/{city}/node/?open=1", f"/orgs/{city}/edit/", f"/orgs/{city}/new-child/",
        "/members/", "/members/?export=csv", f"/members/{member}/",
    ]


def snapshot():
    """Everything a refused attempt must leave as it was (the trace of a refused request, a
    "denied" audit entry, is the one thing it adds)."""
    return (
        sorted(Grant.objects.values_list("user__username", "role", "org_id")),
        AuditEntry.objects.exclude(action="denied").count(),
    )


def denied_count():
    return AuditEntry.objects.filter(action="denied").count()


# --- pages --------------------------------------------------------------------------------------

@pytest.mark.parametrize("admin", ADMINS)
def test_each_administrator_reaches_their_own_pages(world, admin):
    client = world.client(admin)
    for path in own_pages(world)[admin]:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("admin", ADMINS)
def test_each_administrator_gets_404_on_the_other_administrators_pages(world, admin):
    client = world.client(admin)
    for other, pages in own_pages(world).items():
        if other == admin:
            continue
        for path in pages:
            assert client.get(path).status_code == 404, (admin, path)


@pytest.mark.parametrize("admin", ADMINS)
def test_no_administrator_reaches_a_business_page(world, admin):
    client = world.client(admin)
    for path in business_pages(world):
        assert client.get(path).status_code == 404, (admin, path)


def planted_token(username):
    """A token of the kind the API issued to administrators before it refused them."""
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=User.objects.get(username=username), key_hash=services._token_hash(raw),
                            expires=timezone.now() + timedelta(hours=12))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def authenticated_operations():
    """Every operation of the OpenAPI document that takes a token, path parameters filled in, so
    that an operation added later is walked too."""
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                yield method, re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize("admin", ADMINS)
def test_the_token_endpoint_refuses_the_administrators(world, admin):
    response = Client().post("/api/v1/auth/token", {"username": admin, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 403
    assert "三员" in response.json()["detail"]
    assert not ApiToken.objects.filter(user__username=admin).exists()
    refusal = AuditEntry.objects.order_by("-seq").first()
    assert (refusal.action, refusal.result, refusal.username) == ("token.issue", "denied", admin)


def test_the_token_endpoint_answers_an_administrators_wrong_password_like_anyone_elses(world):
    admin = Client().post("/api/v1/auth/token", {"username": "auditor", "password": "Wrong@Passw0rd"},
                          content_type="application/json")
    other = Client().post("/api/v1/auth/token", {"username": "a_admin", "password": "Wrong@Passw0rd"},
                          content_type="application/json")
    assert admin.status_code == other.status_code == 401
    assert admin.json() == other.json()


@pytest.mark.parametrize("admin", ADMINS)
def test_every_api_operation_refuses_an_administrators_token(world, admin):
    client, auth = Client(), planted_token(admin)
    before = snapshot()
    walked = 0
    for method, path in authenticated_operations():
        body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        response = getattr(client, method)(path, **body, **auth)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "三员" in response.json()["detail"], (method, path)
        walked += 1
    assert walked > 60
    assert snapshot() == before


@pytest.mark.parametrize("user", ["city_admin", "a_admin", "secretary", "member", "outsider"])
def test_business_users_get_404_on_every_administrator_page(world, user):
    client = world.client(user)
    for pages in own_pages(world).values():
        for path in pages:
            assert client.get(path).status_code == 404, (user, path)


def test_the_home_page_and_own_password_page_stay_open_to_administrators(world):
    for admin in ADMINS:
        client = world.client(admin)
        assert client.get("/").status_code == 200
        assert client.get("/accounts/password/").status_code == 200


# --- granting through the web -------------------------------------------------------------------

def test_the_security_admin_grants_a_business_role_through_the_web(world):
    target = world.users["outsider"]
    client = world.client("secadmin")
    before = AuditEntry.objects.count()
    response = client.post(f"/accounts/users/{target.pk}/", {"role": Role.SECRETARY, "org_code": "HX01B01"})
    assert response.status_code == 302
    assert Grant.objects.filter(user=target, role=Role.SECRETARY, org=world.branch_b1).exists()
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.username, entry.org_id) == ("grant.add", "secadmin", world.branch_b1.pk)
    assert entry.changes == {"user": "outsider", "role": "secretary", "org": "HX01B01"}


def test_the_security_admin_cannot_grant_themselves_a_role(world):
    me = world.users["secadmin"]
    before = snapshot()
    response = world.client("secadmin").post(f"/accounts/users/{me.pk}/",
                                             {"role": Role.ORG_ADMIN, "org_code": "TJ"})
    assert response.status_code == 200
    assert "不能给自己授权" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_the_security_admin_cannot_grant_an_administrator_role_through_the_web(world, role):
    target = world.users["outsider"]
    before = snapshot()
    response = world.client("secadmin").post(f"/accounts/users/{target.pk}/",
                                             {"role": role, "org_code": "TJ"})
    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("admin", ["sysadmin", "auditor"])
def test_the_security_admin_cannot_give_another_administrator_a_business_role(world, admin):
    target = world.users[admin]
    before = snapshot()
    response = world.client("secadmin").post(f"/accounts/users/{target.pk}/",
                                             {"role": Role.ORG_ADMIN, "org_code": "TJ"})
    assert "三员分立" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("admin", ["sysadmin", "auditor"])
def test_the_security_admin_cannot_remove_another_administrators_role(world, admin):
    grant = Grant.objects.get(user=world.users[admin])
    before = snapshot()
    world.client("secadmin").post(f"/accounts/grants/{grant.pk}/remove/")
    assert snapshot() == before


def test_the_security_admin_cannot_remove_their_own_role(world):
    grant = Grant.objects.get(user=world.users["secadmin"])
    before = snapshot()
    world.client("secadmin").post(f"/accounts/grants/{grant.pk}/remove/")
    assert snapshot() == before


@pytest.mark.parametrize("user", ["sysadmin", "auditor", "city_admin", "a_admin"])
def test_only_the_security_admin_may_grant_or_remove_through_the_web(world, user):
    target = world.users["outsider"]
    grant = Grant.objects.get(user=world.users["secretary"])
    before, denied_before = snapshot(), denied_count()
    client = world.client(user)
    assert client.post(f"/accounts/users/{target.pk}/",
                       {"role": Role.ORG_ADMIN, "org_code": "TJ"}).status_code == 404
    assert client.post(f"/accounts/grants/{grant.pk}/remove/").status_code == 404
    assert client.post(f"/accounts/users/{target.pk}/active/", {"active": "0"}).status_code == 404
    assert snapshot() == before
    assert denied_count() == denied_before + 3  # each refused attempt leaves one trace


def test_the_security_admin_removes_a_business_role_with_one_audit_entry(world):
    grant = Grant.objects.get(user=world.users["secretary"])
    before = AuditEntry.objects.count()
    response = world.client("secadmin").post(f"/accounts/grants/{grant.pk}/remove/")
    assert response.status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.username) == ("grant.remove", "secadmin")
    assert entry.changes == {"user": "secretary", "role": "secretary", "org": "HP01B01"}


# --- the services -------------------------------------------------------------------------------

@pytest.mark.parametrize("first, second", [
    (Role.SYSADMIN, Role.SECADMIN), (Role.SECADMIN, Role.AUDITOR), (Role.AUDITOR, Role.SYSADMIN),
])
def test_admin_grant_refuses_a_second_administrator_role(db, first, second):
    person = make_user("person", role=first)
    before = snapshot()
    with pytest.raises(ValidationError, match="三员分立"):
        services.admin_grant(user=person, role=second)
    assert snapshot() == before


def test_admin_grant_refuses_the_same_administrator_role_twice(db):
    person = make_user("person", role=Role.AUDITOR)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.admin_grant(user=person, role=Role.AUDITOR)
    assert snapshot() == before


def test_admin_grant_refuses_an_administrator_role_to_a_business_user(world):
    before = snapshot()
    with pytest.raises(ValidationError, match="三员分立"):
        services.admin_grant(user=world.users["a_admin"], role=Role.AUDITOR)
    assert snapshot() == before


def test_admin_grant_writes_one_audit_entry(db):
    person = make_user("person")
    before = AuditEntry.objects.count()
    services.admin_grant(user=person, role=Role.AUDITOR)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "grant.add"
    assert entry.changes == {"user": "person", "role": "auditor", "org": None}


@pytest.mark.parametrize("admin", ADMINS)
def test_grant_add_refuses_a_business_role_to_an_administrator(world, admin):
    second_secadmin = make_user("secadmin2", role=Role.SECADMIN)
    before = snapshot()
    with pytest.raises(ValidationError, match="三员分立"):
        services.grant_add(actor=second_secadmin, user=world.users[admin],
                           role=Role.SECRETARY, org=world.branch_a1)
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_grant_add_refuses_administrator_roles(world, role):
    before = snapshot()
    with pytest.raises(ValidationError, match="命令行"):
        services.grant_add(actor=world.users["secadmin"], user=world.users["outsider"], role=role)
    assert snapshot() == before


@pytest.mark.parametrize("actor", ["sysadmin", "auditor", "city_admin", "outsider"])
def test_grant_add_is_the_security_admins_alone(world, actor):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.grant_add(actor=world.users[actor], user=world.users["outsider"],
                           role=Role.SECRETARY, org=world.branch_a1)
    assert snapshot() == before


def test_grant_add_refuses_a_grant_to_oneself(world):
    before = snapshot()
    with pytest.raises(ValidationError, match="不能给自己授权"):
        services.grant_add(actor=world.users["secadmin"], user=world.users["secadmin"],
                           role=Role.SECRETARY, org=world.branch_a1)
    assert snapshot() == before


def test_grant_add_refuses_a_duplicate_grant_and_changes_nothing(world):
    before = snapshot()
    with pytest.raises(ValidationError, match="已拥有此授权"):
        services.grant_add(actor=world.users["secadmin"], user=world.users["secretary"],
                           role=Role.SECRETARY, org=world.branch_a1)
    assert snapshot() == before


def test_grant_add_then_remove_write_one_audit_entry_each(world):
    secadmin, outsider = world.users["secadmin"], world.users["outsider"]
    before = AuditEntry.objects.count()
    grant = services.grant_add(actor=secadmin, user=outsider, role=Role.COMMISSIONER, org=world.street_a)
    assert AuditEntry.objects.count() == before + 1
    services.grant_remove(actor=secadmin, grant=grant)
    assert AuditEntry.objects.count() == before + 2
    assert list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "grant.remove", "grant.add"]


def test_a_business_user_given_an_administrator_role_never_mixes_them(world):
    """The database agrees with the service: an admin role is never held on an org."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(user=world.users["outsider"], role=Role.AUDITOR, org=world.city)


def test_the_security_admin_cannot_deactivate_or_reset_another_administrator(world):
    from django.core.exceptions import ValidationError

    from accounts import services

    secadmin, auditor = world.users["secadmin"], world.users["auditor"]
    response = world.client("secadmin").post(f"/accounts/users/{auditor.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.is_active
    try:
        services.user_reset_password(actor=secadmin, user=auditor, new_password="Another#Passw0rd9")
    except ValidationError as exc:
        assert "三员分立" in exc.messages[0]
    else:
        raise AssertionError("reset of an administrator's password was allowed")
    auditor.refresh_from_db()
    assert auditor.check_password("Test@Passw0rd")


def test_the_database_itself_refuses_a_second_administrator_role(world):
    import pytest
    from django.db import IntegrityError, transaction

    from accounts.models import Grant
    from core.access import Role

    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(user=world.users["secadmin"], role=Role.AUDITOR)
