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
