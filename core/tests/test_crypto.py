"""Personal-data cryptography (test plan P2, B2): SM3 and SM4 known answers, SM4-GCM round trips,
integrity (a flipped byte is an error, never wrong data), the blind index, and no clear ID number
anywhere in the members table."""

import base64
import json
import stat

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from core.crypto import DecryptionError, SoftwareSM4Provider, get_provider, sm3_hex
from dangjian.testing import ID_NUMBERS

provider = get_provider()


def sm4_ecb_encrypt(key: bytes, block: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def test_sm3_matches_the_standards_known_answer():
    # GB/T 32905-2016, appendix A, example 1.
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_matches_the_standards_second_known_answer():
    # GB/T 32905-2016, appendix A, example 2: "abcd" repeated 16 times.
    assert sm3_hex(b"abcd" * 16) == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")


def test_sm4_matches_the_standards_known_answer():
    # GB/T 32907-2016, appendix A, example 1.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert sm4_ecb_encrypt(key, key).hex() == "681edf34d206965e86b3e94f536e4246"


def test_the_provider_uses_a_128_bit_sm4_key():
    assert all(len(key) == 16 for key in provider.keys.values())


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_decrypt_returns_exactly_what_was_encrypted(plaintext):
    assert provider.decrypt(provider.encrypt(plaintext)) == plaintext


@given(st.text(min_size=1, max_size=50))
def test_the_ciphertext_does_not_contain_the_plaintext(plaintext):
    token = provider.encrypt(plaintext)
    assert token.startswith(f"v1:{provider.active_key_id}:")
    if len(plaintext) >= 4:
        assert plaintext not in token


def test_encrypting_twice_gives_different_ciphertexts():
    number = ID_NUMBERS["a1_member"]
    assert provider.encrypt(number) != provider.encrypt(number)


def _flip(token: str, position: int, bit: int) -> str:
    prefix, blob = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(blob))
    raw[position % len(raw)] ^= 1 << bit
    return f"{prefix}:{base64.b64encode(bytes(raw)).decode()}"


@settings(max_examples=200)
@given(position=st.integers(min_value=0, max_value=10_000), bit=st.integers(min_value=0, max_value=7))
def test_one_flipped_ciphertext_byte_is_an_error_never_wrong_data(position, bit):
    token = provider.encrypt(ID_NUMBERS["a2_member"])
    with pytest.raises(DecryptionError):
        provider.decrypt(_flip(token, position, bit))


@pytest.mark.parametrize("token", [
    "", "v1", "v1:k1", "v1:k1:", "v1:k1:!!!not base64!!!", "v2:k1:" + "A" * 40,
    "v1:no-such-key:" + "A" * 40, "v1:k1:" + base64.b64encode(b"short").decode(),
])
def test_a_malformed_ciphertext_is_an_error(token):
    with pytest.raises(DecryptionError):
        provider.decrypt(token)


def test_a_ciphertext_moved_to_another_key_id_is_an_error():
    token = provider.encrypt(ID_NUMBERS["b1_member"])
    _, key_id, blob = token.split(":", 2)
    provider.keys["other"] = provider.keys[key_id]
    try:
        with pytest.raises(DecryptionError):
            provider.decrypt(f"v1:other:{blob}")  # the key id is authenticated data
    finally:
        del provider.keys["other"]


def test_the_blind_index_is_deterministic_and_keyed():
    number = ID_NUMBERS["a1_member"]
    index = provider.blind_index(number)
    assert index == provider.blind_index(number)
    assert len(index) == 64
    assert index != sm3_hex(number.encode())  # an HMAC, not a bare hash anyone could compute
    assert index != provider.blind_index(ID_NUMBERS["a2_member"])


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_distinct_values_get_distinct_blind_indexes(a, b):
    if a != b:
        assert provider.blind_index(a) != provider.blind_index(b)


def test_no_column_of_the_members_table_holds_a_clear_id_number(world):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM members_member")
        rows = cursor.fetchall()
    assert len(rows) == len(ID_NUMBERS)
    dump = "\n".join(repr(value) for row in rows for value in row)
    for number in ID_NUMBERS.values():
        assert number not in dump
        assert number[6:14] + number[14:] not in dump  # not even birth date and sequence together


def _key_file_from_before_the_audit_key(path):
    path.write_text(json.dumps({"active": "k1", "keys": {"k1": "00" * 16}, "index_key": "11" * 32}))
    path.chmod(0o600)
    return path


def test_a_demo_key_file_from_before_the_audit_key_gets_one_and_keeps_its_keys(tmp_path, settings):
    settings.CRYPTO_CREATE_KEYS = True
    path = _key_file_from_before_the_audit_key(tmp_path / "keys.json")
    loaded = SoftwareSM4Provider(path)
    stored = json.loads(path.read_text())
    assert stored["keys"] == {"k1": "00" * 16} and stored["index_key"] == "11" * 32
    assert loaded.audit_keys == {"a1": bytes.fromhex(stored["audit"]["keys"]["a1"])}
    assert len(loaded.audit_keys["a1"]) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SoftwareSM4Provider(path).audit_keys == loaded.audit_keys  # added once, then read


def test_production_refuses_a_key_file_without_the_audit_key(tmp_path, settings):
    settings.CRYPTO_CREATE_KEYS = False
    path = _key_file_from_before_the_audit_key(tmp_path / "keys.json")
    with pytest.raises(ImproperlyConfigured, match="no audit chain key"):
        SoftwareSM4Provider(path)
    assert "audit" not in json.loads(path.read_text())
