"""`dangjian accounts create-admin`: the deployment-time path to the three administrators."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Grant, User
from core.access import Role
from core.models import AuditEntry
from dangjian.testing import make_user


def create_admin(username, role, *extra):
    out = StringIO()
    call_command("accounts", "create-admin", username, "--role", role, *extra, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    return re.search(r"初始密码[^：]*：(\S+)", output).group(1)


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_it_creates_an_administrator_with_a_one_time_password(db, role):
    output = create_admin("admin1", role)
    user = User.objects.get(username="admin1")
    assert user.must_change_password
    assert list(user.grants.values_list("role", "org")) == [(role, None)]
    password = printed_password(output)
    assert user.check_password(password)
    assert output.count(password) == 1


def test_the_initial_password_differs_each_time(db):
    first = printed_password(create_admin("admin1", "auditor"))
    second = printed_password(create_admin("admin2", "auditor"))
    assert first != second
    assert len(first) >= 16


def test_the_new_administrator_must_change_the_password_before_anything_else(db):
    password = printed_password(create_admin("admin1", "sysadmin"))
    client = Client()
    response = client.post("/accounts/login/", {"username": "admin1", "password": password})
    assert response.status_code == 302
    assert client.get("/system/").url == "/accounts/password/"


def test_it_audits_the_creation_and_the_grant_without_the_password(db):
    output = create_admin("admin1", "secadmin")
    entries = list(AuditEntry.objects.order_by("seq").values_list("action", "channel"))
    assert entries == [("user.create", "cli"), ("grant.add", "cli")]
    password = printed_password(output)
    assert not any(password in str(row) for row in AuditEntry.objects.values_list())


def test_it_refuses_a_second_administrator_role(db):
    create_admin("admin1", "sysadmin")
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match="三员分立"):
        create_admin("admin1", "auditor")
    assert list(Grant.objects.filter(user__username="admin1").values_list("role", flat=True)) == [
        "sysadmin"]
    assert AuditEntry.objects.count() == before


def test_it_refuses_an_administrator_role_to_a_business_user(db, world):
    with pytest.raises(CommandError, match="三员分立"):
        create_admin("a_admin", "auditor")
    assert list(world.users["a_admin"].grants.values_list("role", flat=True)) == [Role.ORG_ADMIN]


def test_it_grants_the_role_to_an_existing_account_without_roles(db):
    user = make_user("person")
    output = create_admin("person", "auditor")
    assert "初始密码" not in output
    assert list(user.grants.values_list("role", flat=True)) == ["auditor"]


def test_it_refuses_a_business_role(db):
    with pytest.raises(CommandError):
        create_admin("admin1", "org_admin")
    assert not User.objects.filter(username="admin1").exists()
