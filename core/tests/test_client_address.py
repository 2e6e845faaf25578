"""The client's address behind the TLS proxy of docs/deployment.md (issue 21 item 3): the lockout
and the audit trail see each client, not the proxy, and only a trusted proxy's X-Forwarded-For is
believed."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from core.middleware import RequestContextMiddleware, client_ip
from core.models import AuditEntry
from dangjian.testing import PASSWORD

PROXY = "10.9.9.9"
WRONG = "Wrong@Passw0rd"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def via_proxy(username, password, client_address, client=None):
    """A login through the proxy, which connects from PROXY and appends the client's address."""
    return (client or Client()).post("/accounts/login/", {"username": username, "password": password},
                                     REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def address_of(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_it_audits_each_clients_own_address_behind_the_proxy(world, behind_proxy):
    via_proxy("a_admin", WRONG, "203.0.113.5")
    via_proxy("b_admin", PASSWORD, "203.0.113.6")
    entries = AuditEntry.objects.order_by("-seq")[:2]
    assert [(e.action, e.ip) for e in entries] == [("login.success", "203.0.113.6"),
                                                   ("login.failed", "203.0.113.5")]


def test_it_locks_one_client_behind_the_proxy_not_everyone(world, behind_proxy, settings):
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        via_proxy(f"guess{i}", WRONG, "203.0.113.5")
    assert "锁定" in via_proxy("a_admin", PASSWORD, "203.0.113.5").content.decode()
    colleague = Client()
    assert via_proxy("a_admin", PASSWORD, "203.0.113.6", client=colleague).status_code == 302
    assert "_auth_user_id" in colleague.session


def test_it_takes_the_address_the_proxy_appended_not_what_the_client_wrote(behind_proxy):
    assert address_of(PROXY, "198.51.100.1, 203.0.113.5") == "203.0.113.5"


def test_it_ignores_x_forwarded_for_from_a_client_that_is_not_a_trusted_proxy(behind_proxy):
    assert address_of("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_it_ignores_x_forwarded_for_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert address_of(PROXY, "198.51.100.1") == PROXY


def test_it_walks_past_every_trusted_hop_of_a_proxy_chain(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.8.0.0/16"]
    assert address_of(PROXY, "198.51.100.1, 203.0.113.5, 10.8.1.1") == "203.0.113.5"


def test_it_stops_at_a_hop_that_is_not_an_address(behind_proxy):
    assert address_of(PROXY, "203.0.113.5, junk") == PROXY


def test_it_refuses_to_start_with_a_proxy_setting_that_is_not_an_address(settings):
    settings.TRUSTED_PROXIES = ["10.9.9.9", "proxy.example.org"]
    with pytest.raises(ImproperlyConfigured, match="DANGJIAN_TRUSTED_PROXIES"):
        RequestContextMiddleware(lambda request: None)
