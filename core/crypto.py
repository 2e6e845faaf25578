"""Personal-data cryptography behind one swappable provider.

SM4-GCM encrypts personal data (ID and phone numbers); HMAC-SM3 gives a blind index for exact
lookup and keys the audit chain (core.audit: entries, anchors and checkpoints). A certified hardware
module can replace the software provider by naming another class in settings.CRYPTO_PROVIDER with
the same methods and attributes (encrypt, decrypt, blind_index, hash, audit_mac, audit_key_id).

Ciphertext format: ``v1:<key id>:<base64(nonce 12 bytes | ciphertext | tag 16 bytes)>``. The key
id lets old rows stay readable after the active key is rotated; the audit chain's keys have ids of
their own (``"audit": {"active": "a1", "keys": {"a1": "<64 hex digits>"}}`` in the key file), and
each entry records the id of the key that signed it.
"""

import base64
import json
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class DecryptionError(Exception):
    """The stored value was altered or the key is wrong: never return wrong data."""


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


class SoftwareSM4Provider:
    """SM4-GCM and HMAC-SM3 with keys from a JSON key file outside the database."""

    def __init__(self, key_file):
        keys = self._load(key_file)
        self.active_key_id = keys["active"]
        self.keys = {kid: bytes.fromhex(k) for kid, k in keys["keys"].items()}
        self.index_key = bytes.fromhex(keys["index_key"])
        for kid, key in self.keys.items():
            if len(key) != 16:
                raise ImproperlyConfigured(f"SM4 key {kid!r} must be 16 bytes")
        self.audit_key_id = keys["audit"]["active"]
        self.audit_keys = {kid: bytes.fromhex(k) for kid, k in keys["audit"]["keys"].items()}
        for kid, key in self.audit_keys.items():
            if len(key) < 32:
                raise ImproperlyConfigured(f"Audit key {kid!r} must be at least 32 bytes")

    @staticmethod
    def _load(key_file):
        key_file = Path(key_file)
        if not key_file.exists():
            if not settings.CRYPTO_CREATE_KEYS:
                raise ImproperlyConfigured(
                    f"Key file {key_file} is missing. See docs/deployment.md (the key file)."
                )
            create_key_file(key_file)
        keys = json.loads(key_file.read_text())
        if "audit" not in keys:
            if not settings.CRYPTO_CREATE_KEYS:
                raise ImproperlyConfigured(
                    f"Key file {key_file} has no audit chain key: add "
                    '"audit": {"active": "a1", "keys": {"a1": "<64 hex digits>"}} '
                    "(see docs/deployment.md)."
                )
            keys = add_audit_key(key_file)
        return keys

    def encrypt(self, plaintext: str) -> str:
        key = self.keys[self.active_key_id]
        nonce = os.urandom(12)
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(self.active_key_id.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        blob = base64.b64encode(nonce + body + encryptor.tag).decode()
        return f"v1:{self.active_key_id}:{blob}"

    def decrypt(self, token: str) -> str:
        try:
            version, key_id, blob = token.split(":", 2)
            raw = base64.b64decode(blob, validate=True)
            key = self.keys[key_id]
        except (ValueError, KeyError) as exc:
            raise DecryptionError("密文格式无效或密钥不存在") from exc
        if version != "v1" or len(raw) < 28:
            raise DecryptionError("密文格式无效")
        nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(key_id.encode())
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except InvalidTag as exc:
            raise DecryptionError("密文完整性校验失败") from exc

    def blind_index(self, value: str) -> str:
        mac = hmac.HMAC(self.index_key, hashes.SM3())
        mac.update(value.encode())
        return mac.finalize().hex()

    def hash(self, data: bytes) -> str:
        return sm3_hex(data)

    def derive_key(self, key_id: str, *, salt: bytes, purpose: bytes) -> bytes:
        """A 16-byte SM4 key for one purpose (e.g. one backup file), derived with HKDF-SM3 from the
        data key ``key_id`` and a fresh salt, so the data key itself never encrypts a stream and
        each stream can number its nonces from zero (KeyError if the file lacks ``key_id``)."""
        return HKDF(algorithm=hashes.SM3(), length=16, salt=salt, info=purpose).derive(self.keys[key_id])

    def audit_mac(self, data: bytes, key_id: str) -> str:
        """HMAC-SM3 under the audit chain's key ``key_id`` (KeyError if the file lacks it)."""
        mac = hmac.HMAC(self.audit_keys[key_id], hashes.SM3())
        mac.update(data)
        return mac.finalize().hex()


def _new_audit_keys(key_id: str = "a1") -> dict:
    return {"active": key_id, "keys": {key_id: secrets.token_hex(32)}}


def create_key_file(key_file, key_id: str = "k1") -> None:
    key_file.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "active": key_id,
        "keys": {key_id: secrets.token_hex(16)},
        "index_key": secrets.token_hex(32),
        "audit": _new_audit_keys(),
    }
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(payload, fh)


def add_audit_key(key_file) -> dict:
    """Give a demo or test key file from before the keyed audit chain its audit key. The first
    process to load the keys after an upgrade is `make run`'s migrate, alone: no lock needed.
    Written to a new file and renamed over the old one, so a crash leaves one or the other."""
    payload = json.loads(key_file.read_text())
    payload["audit"] = _new_audit_keys()
    fresh = key_file.with_name(key_file.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(payload, fh)
    os.replace(fresh, key_file)
    return payload


@cache
def get_provider():
    return import_string(settings.CRYPTO_PROVIDER)(settings.KEY_FILE)
