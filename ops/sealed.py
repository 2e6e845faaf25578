"""The backup file's encryption: SM4-GCM over a stream, one authenticated chunk at a time.

A backup can be larger than memory, and a restore must not act on a single byte that was not
authenticated, so the stream is cut into chunks of 1 MiB, each sealed on its own (the STREAM
construction of Hoang, Reyhanitabar, Rogaway and Vizár, as in age and Tink):

    file   = MAGIC | version (1 byte) | header length (4 bytes) | header (JSON) | chunk …
    chunk  = length (4 bytes) | SM4-GCM ciphertext and tag
    nonce  = chunk number (11 bytes, big-endian) | 1 for the last chunk, else 0
    AAD    = everything before the first chunk

The key is derived per file (HKDF-SM3 from the key file's data key named in the header, with the
header's random salt: ``core.crypto`` provider's ``derive_key``), so counting nonces from zero
never repeats one under a key. Reordering, dropping or appending chunks, cutting the file after a
chunk, or changing the header fails a tag. The header's ``check`` (HMAC-SM3 of a constant under
the derived key) tells a wrong key from a damaged file before anything is decrypted.
"""

import json
import os
import struct
from hmac import compare_digest

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from core.crypto import get_provider

MAGIC = b"DJBACKUP"
VERSION = 1
CHUNK = 1 << 20
PURPOSE = b"dangjian backup v1"
_TAG = 16


class BackupRefused(Exception):
    """The file cannot be used: not a backup, a key that does not open it, or a failed check.
    The message says which, in Chinese, for the operator."""


def _check(key: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(b"dangjian backup key check")
    return mac.finalize().hex()


def _nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A write-only file object: what is written is encrypted into ``out`` chunk by chunk;
    ``close()`` seals the last chunk (and must be called, or the file will not open)."""

    def __init__(self, out, *, meta: dict | None = None):
        provider = get_provider()
        salt = os.urandom(16)
        key_id = provider.active_key_id
        self.key = provider.derive_key(key_id, salt=salt, purpose=PURPOSE)
        header = {"format": VERSION, "cipher": "SM4-GCM", "kdf": "HKDF-SM3", "key_id": key_id,
                  "salt": salt.hex(), "check": _check(self.key), "chunk": CHUNK, **(meta or {})}
        text = json.dumps(header, sort_keys=True).encode()
        self.aad = MAGIC + bytes([VERSION]) + struct.pack(">I", len(text)) + text
        self.out = out
        self.out.write(self.aad)
        self.buffer = bytearray()
        self.number = 0
        self.closed = False

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # keep at least one byte back: the last chunk is marked
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        encryptor = Cipher(algorithms.SM4(self.key), modes.GCM(_nonce(self.number, last))).encryptor()
        encryptor.authenticate_additional_data(self.aad)
        body = encryptor.update(plain) + encryptor.finalize() + encryptor.tag
        self.out.write(struct.pack(">I", len(body)) + body)
        self.number += 1

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self.buffer), last=True)
            self.buffer.clear()
            self.closed = True


def read_header(source) -> tuple[dict, bytes]:
    """The header of a backup file (and the bytes it authenticates); refuses what is not one."""
    start = source.read(len(MAGIC) + 5)
    if len(start) < len(MAGIC) + 5 or not start.startswith(MAGIC):
        raise BackupRefused("不是本平台的备份文件")
    if start[len(MAGIC)] != VERSION:
        raise BackupRefused(f"备份文件格式版本 {start[len(MAGIC)]} 不受支持")
    (length,) = struct.unpack(">I", start[-4:])
    text = source.read(length) if length <= 65536 else b""
    try:
        header = json.loads(text)
        header["key_id"], header["salt"], header["check"]  # noqa: B018  (present, or refused)
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupRefused("备份文件头已损坏") from exc
    return header, start + text


class SealedReader:
    """A read-only file object over a backup file: each chunk is authenticated before a byte of
    it is returned. Refuses a key that does not open the file, and any change to it."""

    def __init__(self, source):
        self.source = source
        self.header, self.aad = read_header(source)
        key_id = self.header["key_id"]
        try:
            self.key = get_provider().derive_key(key_id, salt=bytes.fromhex(self.header["salt"]),
                                                 purpose=PURPOSE)
        except KeyError as exc:
            raise BackupRefused(f"密钥文件中没有加密此备份所用的密钥 {key_id}：请使用备份时的密钥文件") from exc
        except ValueError as exc:
            raise BackupRefused("备份文件头已损坏") from exc
        if not compare_digest(_check(self.key).encode(), str(self.header["check"]).encode()):
            raise BackupRefused(f"密钥无法解密此备份（密钥编号 {key_id} 与备份时的密钥不同）："
                                "请使用备份时的密钥文件")
        self.buffer = bytearray()
        self.number = 0
        self.done = False

    def _open_next(self) -> None:
        head = self.source.read(4)
        if len(head) < 4:
            raise BackupRefused(f"备份文件不完整（在第 {self.number + 1} 块处截断）：文件损坏或被改动")
        (length,) = struct.unpack(">I", head)
        body = self.source.read(length) if _TAG <= length <= CHUNK + _TAG else b""
        if len(body) < _TAG or len(body) != length:
            raise BackupRefused(f"备份文件第 {self.number + 1} 块已损坏：文件损坏或被改动")
        for last in (False, True):
            decryptor = Cipher(algorithms.SM4(self.key),
                               modes.GCM(_nonce(self.number, last), body[-_TAG:])).decryptor()
            decryptor.authenticate_additional_data(self.aad)
            try:
                plain = decryptor.update(body[:-_TAG]) + decryptor.finalize()
            except InvalidTag:
                continue
            self.buffer += plain
            self.number += 1
            if last:
                if self.source.read(1):
                    raise BackupRefused("备份文件末尾有多余的数据：文件被改动")
                self.done = True
            return
        raise BackupRefused(f"备份文件第 {self.number + 1} 块校验失败：文件损坏或被改动")

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.buffer) < size):
            self._open_next()
        if size < 0:
            size = len(self.buffer)
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def read_to_end(self) -> None:
        """Authenticate the rest of the file (what a reader above left unread)."""
        while not self.done:
            self._open_next()
            self.buffer.clear()

