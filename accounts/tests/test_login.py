"""Login security (test plan A1): lockout per account and per address, device cookies, idle
timeout on the web and the API, logout, forced password change, password rules, login audit."""

import json
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.lockout import DEVICE_COOKIE
from accounts.middleware import SESSION_LAST_SEEN
from accounts.models import ApiToken, LoginThrottle, PasswordHistory
from core.models import AuditEntry
from dangjian.testing import PASSWORD

LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/v1/auth/token"
WRONG = "Wrong@Passw0rd"


def web_login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def api_login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(TOKEN_URL, {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=ip)


def login_error(response) -> str:
    """The login form's error (the page's footnote also mentions locking, so look only here)."""
    html = response.content.decode()
    start = html.find('role="alert"')
    return "" if start < 0 else html[start:html.index("</div>", start)]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_times(n, username, ip="10.0.0.66", client=None):
    client = client or Client()
    response = None
    for _ in range(n):
        response = web_login(client, username, WRONG, ip=ip)
    return response


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def actions():
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def audit_text() -> str:
    rows = AuditEntry.objects.values()
    return json.dumps([{k: str(v) for k, v in row.items()} for row in rows], ensure_ascii=False)


@pytest.fixture
def later():
    """Move the clock forward: ``with later(minutes=16): ...``."""

    def move(**delta):
        return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(**delta))

    return move


# --- wrong passwords and enumeration ------------------------------------------------------------

def test_it_logs_in_with_the_right_password(world):
    client = Client()
    response = web_login(client, "a_admin")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_says_wrong_username_or_password_in_chinese(world):
    client = Client()
    response = web_login(client, "a_admin", WRONG)
    assert response.status_code == 200
    assert "用户名或密码错误" in login_error(response)
    assert not is_logged_in(client)


def test_it_answers_an_unknown_user_exactly_like_a_wrong_password(world):
    known = web_login(Client(), "a_admin", WRONG, ip="10.0.0.1")
    unknown = web_login(Client(), "nobody", WRONG, ip="10.0.0.2")
    assert known.status_code == unknown.status_code == 200
    assert "用户名或密码错误" in login_error(known)
    assert login_error(known) == login_error(unknown)
    api_known = api_login(Client(), "a_admin", WRONG, ip="10.0.0.3")
    api_unknown = api_login(Client(), "nobody", WRONG, ip="10.0.0.4")
    assert api_known.status_code == api_unknown.status_code == 401
    assert api_known.json() == api_unknown.json() == {"detail": "用户名或密码错误，还可尝试 3 次"}


def test_it_locks_unknown_usernames_too_so_locking_reveals_nothing(world):
    response = fail_times(5, "nobody")
    assert "锁定" in login_error(response)


def test_it_refuses_an_inactive_user_with_the_same_message(world):
    world.users["a_admin"].is_active = False
    world.users["a_admin"].save()
    client = Client()
    response = web_login(client, "a_admin")
    assert "用户名或密码错误" in login_error(response)
    assert not is_logged_in(client)


# --- lockout ------------------------------------------------------------------------------------

def test_it_does_not_lock_after_four_failures(world):
    fail_times(4, "a_admin")
    client = Client()
    assert web_login(client, "a_admin", ip="10.0.0.9").status_code == 302


def test_it_locks_the_account_after_five_failures(world):
    response = fail_times(5, "a_admin")
    assert "锁定" in login_error(response)
    assert "15 分钟" in login_error(response)
    lock = LoginThrottle.objects.get(key="acct:a_admin")
    assert lock.locked_until - timezone.now() == pytest.approx(timedelta(minutes=15), abs=timedelta(seconds=30))


def test_it_refuses_even_the_right_password_while_locked(world):
    fail_times(5, "a_admin")
    client = Client()
    response = web_login(client, "a_admin", ip="10.0.0.9")
    assert response.status_code == 200
    assert "锁定" in login_error(response)
    assert not is_logged_in(client)
    assert api_login(Client(), "a_admin", ip="10.0.0.10").status_code == 401


def test_it_locks_the_account_case_insensitively(world):
    for name in ["A_ADMIN", "a_admin", "A_admin", " a_admin", "a_ADMIN"]:
        web_login(Client(), name, WRONG, ip="10.0.0.66")
    response = web_login(Client(), "a_admin", ip="10.0.0.9")
    assert "锁定" in login_error(response)


def test_it_lets_a_colleague_log_in_from_the_same_address_after_one_account_is_locked(world):
    # An office behind one address: one person's five wrong passwords lock their account only.
    fail_times(5, "a_admin", ip="10.0.0.66")
    colleague = Client()
    assert web_login(colleague, "b_admin", ip="10.0.0.66").status_code == 302
    assert is_logged_in(colleague)
    assert api_login(Client(), "secretary", ip="10.0.0.66").status_code == 200


def test_it_locks_an_address_only_after_many_failures_across_usernames(world, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit >= 50
    for i in range(limit - 1):
        web_login(Client(), f"u{i}", WRONG, ip="10.0.0.66")
    assert web_login(Client(), "b_admin", ip="10.0.0.66").status_code == 302
    web_login(Client(), f"u{limit}", WRONG, ip="10.0.0.66")
    client = Client()
    response = web_login(client, "b_admin", ip="10.0.0.66")
    assert "锁定" in login_error(response)
    assert not is_logged_in(client)
    # The same account from another address is not locked: each username failed only once.
    assert web_login(Client(), "b_admin", ip="10.0.0.67").status_code == 302


def test_it_tells_the_user_how_many_tries_remain(world):
    client = Client()
    assert "用户名或密码错误，还可尝试 4 次" in login_error(web_login(client, "a_admin", WRONG, ip="10.0.0.66"))
    assert "还可尝试 3 次" in login_error(web_login(client, "a_admin", WRONG, ip="10.0.0.66"))
    assert api_login(Client(), "a_admin", WRONG, ip="10.0.0.67").json() == {
        "detail": "用户名或密码错误，还可尝试 2 次"}


def test_it_counts_the_tries_of_a_known_device_on_the_device(world):
    browser = Client()
    web_login(browser, "a_admin", ip="10.0.0.1")
    browser.post("/accounts/logout/")
    fail_times(3, "a_admin", ip="10.6.6.6")  # someone elsewhere
    assert "还可尝试 4 次" in login_error(web_login(browser, "a_admin", WRONG, ip="10.0.0.1"))


def test_it_lets_a_known_device_in_while_the_account_is_locked_from_elsewhere(world):
    browser = Client()
    assert web_login(browser, "a_admin", ip="10.0.0.1").status_code == 302
    assert DEVICE_COOKIE in browser.cookies
    browser.post("/accounts/logout/")

    fail_times(5, "a_admin", ip="10.6.6.6")  # an attacker tries to lock the real user out
    assert "锁定" in login_error(web_login(Client(), "a_admin", ip="10.0.0.1"))

    assert web_login(browser, "a_admin", ip="10.0.0.1").status_code == 302
    assert is_logged_in(browser)


def test_it_does_not_accept_one_accounts_device_cookie_for_another(world):
    browser = Client()
    web_login(browser, "a_admin", ip="10.0.0.1")
    browser.post("/accounts/logout/")
    fail_times(5, "b_admin", ip="10.6.6.6")
    response = web_login(browser, "b_admin", ip="10.0.0.1")
    assert "锁定" in login_error(response)


def test_it_locks_a_known_device_after_five_failures_of_its_own(world):
    browser = Client()
    web_login(browser, "a_admin", ip="10.0.0.1")
    browser.post("/accounts/logout/")
    fail_times(5, "a_admin", ip="10.0.0.1", client=browser)
    response = web_login(browser, "a_admin", ip="10.0.0.1")
    assert "锁定" in login_error(response)
    # The device's failures were counted on the device, not on the account.
    assert web_login(Client(), "a_admin", ip="10.0.0.2").status_code == 302


def test_it_unlocks_after_fifteen_minutes(world, later):
    fail_times(5, "a_admin")
    with later(minutes=14):
        assert "锁定" in login_error(web_login(Client(), "a_admin", ip="10.0.0.9"))
    with later(minutes=16):
        client = Client()
        assert web_login(client, "a_admin", ip="10.0.0.9").status_code == 302
        assert is_logged_in(client)


def test_it_forgets_failures_older_than_the_window(world, later):
    fail_times(4, "a_admin")
    with later(minutes=16):
        response = fail_times(1, "a_admin")
        assert "锁定" not in login_error(response)
        assert web_login(Client(), "a_admin", ip="10.0.0.9").status_code == 302


def test_it_locks_the_api_login_too(world):
    client = Client()
    for _ in range(5):
        response = api_login(client, "a_admin", WRONG)
    assert response.status_code == 401
    assert "锁定" in response.json()["detail"]
    assert "锁定" in api_login(client, "a_admin", ip="10.0.0.9").json()["detail"]


# --- sessions -----------------------------------------------------------------------------------

def _age_session(client, minutes):
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - minutes * 60
    session.save()


def test_it_keeps_a_session_active_within_thirty_minutes(world):
    client = world.client("a_admin")
    client.get("/orgs/")
    _age_session(client, 29)
    assert client.get("/orgs/").status_code == 200


def test_it_logs_out_a_session_idle_for_thirty_minutes(world):
    client = world.client("a_admin")
    client.get("/orgs/")
    _age_session(client, 31)
    response = client.get("/orgs/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/orgs/"
    assert not is_logged_in(client)
    assert client.get("/orgs/").url.startswith("/accounts/login/")
    assert AuditEntry.objects.filter(action="logout.idle", username="a_admin").count() == 1


def test_it_refuses_the_old_session_cookie_after_logout(world):
    client = Client()
    web_login(client, "a_admin")
    old_cookie = client.cookies["sessionid"].value
    assert client.get("/orgs/").status_code == 200
    client.post("/accounts/logout/")

    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    response = replay.get("/orgs/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_only_logs_out_by_post(world):
    client = world.client("a_admin")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/orgs/").status_code == 200


# --- API tokens ---------------------------------------------------------------------------------

def test_it_gives_an_api_token_that_opens_the_api(world):
    response = api_login(Client(), "a_admin")
    assert response.status_code == 200
    token = response.json()["token"]
    listing = Client().get("/api/v1/orgs", **bearer(token))
    assert listing.status_code == 200
    assert world.district_a.code in {org["code"] for org in listing.json()["items"]}


def test_it_stores_only_a_hash_of_the_token(world):
    token = api_login(Client(), "a_admin").json()["token"]
    stored = ApiToken.objects.get()
    assert token not in stored.key_hash


def test_it_refuses_the_api_without_a_token_or_with_a_bad_one(world):
    assert Client().get("/api/v1/orgs").status_code == 401
    assert Client().get("/api/v1/orgs", **bearer("not-a-token")).status_code == 401


def test_it_lets_an_api_token_lapse_after_thirty_idle_minutes(world):
    token = api_login(Client(), "a_admin").json()["token"]
    ApiToken.objects.update(last_used=timezone.now() - timedelta(minutes=29))
    assert Client().get("/api/v1/orgs", **bearer(token)).status_code == 200
    ApiToken.objects.update(last_used=timezone.now() - timedelta(minutes=31))
    assert Client().get("/api/v1/orgs", **bearer(token)).status_code == 401
    assert not ApiToken.objects.exists()


def test_it_keeps_an_api_token_alive_while_it_is_used(world, later):
    token = api_login(Client(), "a_admin").json()["token"]
    with later(minutes=20):
        assert Client().get("/api/v1/orgs", **bearer(token)).status_code == 200
    with later(minutes=40):
        assert Client().get("/api/v1/orgs", **bearer(token)).status_code == 200


def test_it_refuses_an_api_token_after_logout(world):
    token = api_login(Client(), "a_admin").json()["token"]
    response = Client().post("/api/v1/auth/logout", **bearer(token))
    assert response.status_code == 200
    assert Client().get("/api/v1/orgs", **bearer(token)).status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke", username="a_admin").count() == 1


# --- forced password change ---------------------------------------------------------------------

@pytest.fixture
def must_change(world):
    user = world.users["a_admin"]
    user.must_change_password = True
    user.save()
    return user


@pytest.mark.parametrize("path", ["/", "/orgs/", "/orgs/list/", "/members/", "/audit/", "/system/",
                                  "/accounts/users/"])
def test_it_sends_a_user_who_must_change_the_password_to_the_password_page(world, must_change, path):
    client = world.client("a_admin")
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == "/accounts/password/"


def test_it_shows_the_password_page_to_a_user_who_must_change_it(world, must_change):
    response = world.client("a_admin").get("/accounts/password/")
    assert response.status_code == 200
    assert "首次登录" in response.content.decode()


def test_it_sends_a_user_whose_password_is_ninety_days_old_to_the_password_page(world):
    user = world.users["a_admin"]
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    assert world.client("a_admin").get("/orgs/").url == "/accounts/password/"


def test_it_refuses_an_api_token_to_a_user_who_must_change_the_password(world, must_change):
    response = api_login(Client(), "a_admin")
    assert response.status_code == 403
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


# --- password change ----------------------------------------------------------------------------

def change_password(client, new, old=PASSWORD, confirm=None):
    return client.post("/accounts/password/", {
        "old_password": old, "new_password": new, "new_password2": confirm or new,
    })


def test_it_changes_the_password_and_clears_the_must_change_flag(world, must_change):
    client = world.client("a_admin")
    response = change_password(client, "New@Passw0rd-2")
    assert response.status_code == 302
    must_change.refresh_from_db()
    assert not must_change.must_change_password
    assert must_change.check_password("New@Passw0rd-2")
    assert client.get("/orgs/").status_code == 200  # still logged in, no longer redirected
    assert AuditEntry.objects.filter(action="password.change", username="a_admin").count() == 1


def test_it_refuses_a_change_with_the_wrong_old_password(world):
    response = change_password(world.client("a_admin"), "New@Passw0rd-2", old=WRONG)
    assert "原密码不正确" in response.content.decode()
    assert world.users["a_admin"].__class__.objects.get(username="a_admin").check_password(PASSWORD)


@pytest.mark.parametrize("new, message", [
    ("abcdefgh1", "三类"),  # two classes only
    ("Ab1@x", "密码长度太短，至少需要 8 个字符"),
    ("P@ssw0rd", "太常见"),
    ("12345678", "三类"),
    ("Aa1@" + "x" * 125, "最长 128"),
])
def test_it_refuses_a_weak_password_with_a_chinese_reason(world, new, message):
    response = change_password(world.client("a_admin"), new)
    assert response.status_code == 200
    assert message in response.content.decode()
    user = world.users["a_admin"].__class__.objects.get(username="a_admin")
    assert user.check_password(PASSWORD)


def test_it_accepts_a_long_passphrase(world):
    passphrase = "Correct horse battery staple, 2024: the red lantern glows over the river" * 1
    assert len(passphrase) >= 64
    response = change_password(world.client("a_admin"), passphrase)
    assert response.status_code == 302
    user = world.users["a_admin"].__class__.objects.get(username="a_admin")
    assert user.check_password(passphrase)


def test_it_refuses_any_of_the_last_five_passwords(world):
    user = world.users["a_admin"]
    history = [f"Rotate@{i}-Passw0rd" for i in range(1, 6)]
    current = PASSWORD
    for new in history:
        services.password_change(user=user, old_password=current, new_password=new)
        current = new
    for old in history[:-1]:
        with pytest.raises(services.ValidationError, match="最近 5 次"):
            services.password_change(user=user, old_password=current, new_password=old)
    # The original password is now six changes back: allowed again.
    services.password_change(user=user, old_password=current, new_password=PASSWORD)
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_it_refuses_the_current_password_as_the_new_one(world):
    response = change_password(world.client("a_admin"), PASSWORD)
    assert "不能与原密码相同" in response.content.decode()


def test_it_refuses_a_mismatched_confirmation(world):
    response = change_password(world.client("a_admin"), "New@Passw0rd-2", confirm="New@Passw0rd-3")
    assert "不一致" in response.content.decode()


# --- the audit of login events ------------------------------------------------------------------

def test_it_audits_a_successful_login_once(world):
    before = AuditEntry.objects.count()
    web_login(Client(), "a_admin", ip="10.1.2.3")
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.result, entry.username, entry.ip) == (
        "login.success", "success", "a_admin", "10.1.2.3")
    assert entry.user_id == world.users["a_admin"].pk


def test_it_audits_a_failed_login_once(world):
    before = AuditEntry.objects.count()
    web_login(Client(), "a_admin", WRONG, ip="10.1.2.3")
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.result, entry.object_repr, entry.ip) == (
        "login.failed", "failure", "a_admin", "10.1.2.3")


def test_it_audits_the_failure_that_locks_and_each_refusal_while_locked(world):
    before = AuditEntry.objects.count()
    fail_times(5, "a_admin")
    assert AuditEntry.objects.count() == before + 5
    locking = AuditEntry.objects.order_by("-seq").first()
    assert locking.action == "login.failed"
    assert locking.changes == {"locked": True}
    assert AuditEntry.objects.filter(action="login.failed", changes={"locked": True}).count() == 1

    web_login(Client(), "a_admin", ip="10.0.0.9")
    assert AuditEntry.objects.count() == before + 6
    refused = AuditEntry.objects.order_by("-seq").first()
    assert (refused.action, refused.result) == ("login.locked", "denied")


def test_it_audits_a_logout_once(world):
    client = Client()
    web_login(client, "a_admin")
    before = AuditEntry.objects.count()
    client.post("/accounts/logout/")
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.username) == ("logout", "a_admin")


def test_it_audits_api_logins(world):
    api_login(Client(), "a_admin", WRONG)
    api_login(Client(), "a_admin")
    assert actions()[-3:] == ["login.failed", "login.success", "token.issue"]
    assert AuditEntry.objects.order_by("-seq").first().channel == "api"


def test_it_never_writes_a_password_into_the_audit(world, must_change):
    fail_times(5, "a_admin")
    web_login(Client(), "b_admin", ip="10.0.0.9")
    api_login(Client(), "b_admin", WRONG, ip="10.0.0.10")
    change_password(world.client("a_admin"), "New@Passw0rd-2")
    text = audit_text()
    for secret in (PASSWORD, WRONG, "New@Passw0rd-2"):
        assert secret not in text


def test_a_busy_user_writes_the_session_once_a_minute_not_on_every_page(world):
    from django.contrib.sessions.models import Session

    client = world.client("a_admin")
    client.get("/orgs/")
    key = client.session.session_key

    def expiry_after_a_page(minutes_since_last_write):
        _age_session(client, minutes_since_last_write)
        before = Session.objects.get(session_key=key).expire_date
        assert client.get("/orgs/").status_code == 200
        return before, Session.objects.get(session_key=key).expire_date

    before, after = expiry_after_a_page(0.5)
    assert after == before  # not written again within the minute
    before, after = expiry_after_a_page(2)
    assert after > before  # written: the session lives on 30 minutes from now
