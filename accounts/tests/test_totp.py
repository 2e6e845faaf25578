"""RFC 6238 TOTP: known answers, the drift window, single use."""

import base64

from hypothesis import given
from hypothesis import strategies as st

from accounts import totp

# RFC 6238 Appendix B, SHA1, secret "12345678901234567890" (8-digit codes; we keep the last 6).
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471", 1234567890: "89005924",
               2000000000: "69279037"}


def test_it_matches_the_rfc_6238_vectors():
    for when, expected in RFC_VECTORS.items():
        assert totp.code_at(RFC_SECRET, when // 30) == expected[-6:]


def test_a_code_is_accepted_once_only():
    secret = totp.generate_secret()
    now = 1_800_000_000
    code = totp.code_at(secret, totp.current_step(now))
    step = totp.match(secret, code, last_step=None, now=now)
    assert step == totp.current_step(now)
    assert totp.match(secret, code, last_step=step, now=now) is None


def test_it_allows_one_step_of_clock_drift_and_no_more():
    secret = totp.generate_secret()
    now = 1_800_000_000
    step = totp.current_step(now)
    assert totp.match(secret, totp.code_at(secret, step - 1), last_step=None, now=now) == step - 1
    assert totp.match(secret, totp.code_at(secret, step + 1), last_step=None, now=now) == step + 1
    assert totp.match(secret, totp.code_at(secret, step - 3), last_step=None, now=now) is None


@given(st.text(max_size=12))
def test_garbage_never_matches_and_never_raises(code):
    secret = "JBSWY3DPEHPK3PXP"
    real = {totp.code_at(secret, s) for s in range(99, 102)}
    if code.strip() not in real:
        assert totp.match(secret, code, last_step=None, now=100 * 30) is None


# --- the login flow with a second factor ---------------------------------------------------------

import pytest  # noqa: E402

from core.models import AuditEntry  # noqa: E402
from dangjian.testing import PASSWORD  # noqa: E402


def _enable(world, name="secadmin"):
    """Turn TOTP on through the page, as a user would: read the secret, confirm a code."""
    client = world.client(name)
    response = client.get("/accounts/totp/")
    assert response.status_code == 200
    secret = response.context["secret"]
    assert response.context["qr"].startswith("data:image/svg+xml")
    step = totp.current_step()
    response = client.post("/accounts/totp/", {"code": totp.code_at(secret, step)})
    assert response.status_code == 302
    world.users[name].refresh_from_db()
    assert world.users[name].totp_enabled
    assert secret not in world.users[name].totp_secret  # stored encrypted
    return secret, step


def _password_step(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_a_wrong_confirmation_code_does_not_enable_totp(world):
    client = world.client("auditor")
    client.get("/accounts/totp/")
    response = client.post("/accounts/totp/", {"code": "000000"})
    assert "动态验证码不正确" in response.content.decode() or response.status_code == 200
    world.users["auditor"].refresh_from_db()
    assert not world.users["auditor"].totp_enabled


def test_login_with_totp_needs_a_valid_code_and_each_code_works_once(world, client):
    secret, used_step = _enable(world)
    response = _password_step(client, "secadmin")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/login/totp/")
    assert "_auth_user_id" not in client.session  # not logged in after the password alone
    # The code used to enable TOTP is spent.
    response = client.post("/accounts/login/totp/", {"code": totp.code_at(secret, used_step)})
    assert "已使用" in response.content.decode()
    assert "_auth_user_id" not in client.session
    fresh = totp.current_step() + 1
    response = client.post("/accounts/login/totp/", {"code": totp.code_at(secret, fresh)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["secadmin"].pk)
    actions = list(AuditEntry.objects.filter(user_id=world.users["secadmin"].pk)
                   .order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["login.password_ok", "login.totp_failed", "login.success"]


def test_five_wrong_codes_lock_the_login(world, client):
    _enable(world)
    _password_step(client, "secadmin")
    for _ in range(5):
        response = client.post("/accounts/login/totp/", {"code": "123456"})
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_second_step_expires(world, client, monkeypatch):
    import time as time_module

    _enable(world)
    _password_step(client, "secadmin")
    real = time_module.time
    monkeypatch.setattr(time_module, "time", lambda: real() + 400)
    response = client.get("/accounts/login/totp/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/login/")


def test_the_api_asks_for_the_code(world, client):
    # A business user: the three administrators get no API token at all (test_separation.py).
    secret, used_step = _enable(world, "a_admin")
    url = "/api/v1/auth/token"
    response = client.post(url, {"username": "a_admin", "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 401 and "otp" in response.json()["detail"]
    code = totp.code_at(secret, totp.current_step() + 1)
    response = client.post(url, {"username": "a_admin", "password": PASSWORD, "otp": code},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["token"]
    response = client.post(url, {"username": "a_admin", "password": PASSWORD, "otp": code},
                           content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditor"])
def test_every_administrator_can_reach_the_totp_page(world, name):
    assert world.client(name).get("/accounts/totp/").status_code == 200


def test_turning_totp_off_needs_a_fresh_code(world):
    secret, used_step = _enable(world)
    client = world.client("secadmin")
    client.post("/accounts/totp/", {"code": totp.code_at(secret, used_step)})
    world.users["secadmin"].refresh_from_db()
    assert world.users["secadmin"].totp_enabled
    client.post("/accounts/totp/", {"code": totp.code_at(secret, totp.current_step() + 1)})
    world.users["secadmin"].refresh_from_db()
    assert not world.users["secadmin"].totp_enabled
