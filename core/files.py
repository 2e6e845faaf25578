"""Uploaded files: checked by content (not by name), stored outside the web root under random
names, served only as attachments after the caller's scope check.

Callers: ``stored = store(upload, allowed={"pdf", "png", "jpeg"}, max_bytes=...)`` inside their
service; ``attachment(stored_name, download_name, content_type)`` from a view that has already
found the owning object through ``visible_to`` (out of scope is 404 before we get here)."""

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse

from core.text import INVALID_ON_ONE_LINE

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
}
KIND_LABELS = {"pdf": "PDF", "png": "PNG 图片", "jpeg": "JPEG 图片", "xlsx": "Excel（.xlsx）", "csv": "CSV",
               "mp4": "MP4 视频", "webm": "WebM 视频", "mp3": "MP3 音频", "wav": "WAV 音频"}
# Media (the study library's videos and audio) are served inline with range requests (``ranged``).
MEDIA_KINDS = frozenset({"mp4", "webm", "mp3", "wav"})
_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpeg|xlsx|csv|mp4|webm|mp3|wav)$")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def root() -> Path:
    path = Path(settings.FILES_ROOT)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    owner_only(path, 0o700)
    return path


def owner_only(path: Path, mode: int) -> None:
    """Files at rest (uploads, the SQLite database) are the service user's alone: take group and
    other permissions away from a file or directory this user owns (made before, or by a wider
    umask)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        path.chmod(mode)


def restrict_sqlite_files(sender, connection, **kwargs) -> None:
    """On each new SQLite connection: the database file and its -wal and -shm at 0600 (SQLite
    gives the -wal and -shm the database file's mode, so they follow once it is 0600)."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or name.startswith("file:") or ":memory:" in name:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        owner_only(Path(name + suffix), 0o600)
    if Path(name).parent == Path(settings.VAR_DIR):  # the platform's own directory (keys, files)
        owner_only(Path(name).parent, 0o700)


def sniff(head: bytes) -> str | None:
    """The file's kind from its first bytes; None when it is none we accept."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[4:8] == b"ftyp":
        return "mp4"  # an ISO base media file (MP4, M4A): the ftyp box comes first
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"  # EBML (Matroska/WebM)
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"  # confirmed by the reader (openpyxl) that opens it
    if b"\x00" in head or head.lstrip()[:1] in (b"<",):
        return None  # binary, or markup (HTML/SVG/XML) dressed as text
    return "csv" if decode_text(head) is not None else None


def decode_text(raw: bytes) -> str | None:
    """Text files from Chinese offices: UTF-8 (with or without BOM), else GB18030; None if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def store(upload, *, allowed: set[str], max_bytes: int) -> StoredFile:
    """Check and store an uploaded file (a Django UploadedFile or any binary file object)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(f"文件过大：最大 {max_bytes // (1024 * 1024)} MB")
    head = upload.read(2048)
    upload.seek(0)
    kind = sniff(head)
    if kind not in allowed:
        names = "、".join(KIND_LABELS[k] for k in sorted(allowed))
        raise ValidationError(f"文件类型不支持：只接受 {names}（按文件内容判断，不看扩展名）")
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    target = root() / stored_name
    digest, written = hashlib.sha256(), 0
    try:
        # Created 0600 (not chmod-ed afterwards): the clear ID numbers of a roster are never readable by others.
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            for chunk in iter(lambda: upload.read(CHUNK), b""):
                written += len(chunk)
                if written > max_bytes:
                    raise ValidationError(f"文件过大：最大 {max_bytes // (1024 * 1024)} MB")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if written == 0:
        target.unlink(missing_ok=True)
        raise ValidationError("文件是空的")
    return StoredFile(stored_name, kind, CONTENT_TYPES[kind], written, digest.hexdigest())


# Markup or script inside an accepted document is a polyglot: a browser or viewer told to sniff it
# could run it. Such files are refused rather than trusted to the attachment headers alone. Each
# marker is also looked for as UTF-16 (ASCII letters with a zero byte between them), either order.
_ACTIVE_CONTENT = (b"<script", b"<html", b"<svg", b"<!doctype", b"<iframe", b"<body", b"javascript:",
                   b"onerror", b"onload")
_MARKERS = (*_ACTIVE_CONTENT, *(b"\x00".join(bytes([c]) for c in marker) for marker in _ACTIVE_CONTENT))

# Active content of a PDF, as pypdf reads it (names unescaped: /J#61vaScript is /JavaScript):
# dictionary keys, and values of /S (an action's kind), /Type and /Subtype.
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/RichMedia",
                    "/RichMediaContent", "/RichMediaSettings", "/XFA"}
_PDF_ACTIVE_NAMES = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/GoToE", "/EmbeddedFile",
                     "/RichMedia", "/FileAttachment"}
_PDF_MAX_OBJECTS = 500_000
PDF_ACTIVE = "PDF 中含有脚本、附件或自动执行的操作，不予接收；请另存为普通 PDF 后上传"
PDF_UNREADABLE = "PDF 文件已损坏或格式不正确，无法检查，不予接收；请重新导出为 PDF 后上传"


def check_content(path: Path, kind: str) -> None:
    """Refuse a stored document (PDF, PNG, JPEG) that carries markup, script or, for a PDF,
    active content, or a PNG with data after its end. Media are not scanned for markup: they are
    only ever served with their own content type and ``nosniff`` (``ranged``), and reading a
    video whole into memory to scan it would cost more than it protects."""
    if kind in MEDIA_KINDS:
        return
    data = path.read_bytes()
    lowered = data.lower()
    if any(marker in lowered for marker in _MARKERS):
        raise ValidationError("文件中夹带网页或脚本内容，不予接收")
    if kind == "pdf":
        check_pdf(path)
    if kind == "png" and not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
        raise ValidationError("PNG 图片不完整或结尾夹带其他数据，不予接收")


def check_pdf(path: Path) -> None:
    """A PDF must parse (pypdf) into a document with pages, and no object reachable from its
    trailer may be active content (script, launch, embedded file, rich media, XFA form). Parsing,
    not searching bytes: PDF names may be spelled with #xx escapes and objects may sit in
    compressed object streams."""
    from pypdf import PdfReader  # about 0.4 s to import: loaded when a PDF is checked

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError("PDF 设有打开密码，无法检查，不予接收；请去除密码后上传")
        if not len(reader.pages):
            raise ValidationError(PDF_UNREADABLE)
        found = _pdf_active_content(reader)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf meets malformed input with many kinds of error
        raise ValidationError(PDF_UNREADABLE) from exc
    if found:
        raise ValidationError(PDF_ACTIVE)


def _pdf_active_content(reader) -> str | None:
    """The first active key or name found walking every object reachable from the trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject  # as above

    stack, seen = [reader.trailer], set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            if len(seen) > _PDF_MAX_OBJECTS:
                raise ValueError("too many objects")
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):  # streams too: their dictionary is walked, not their data
            for key, value in obj.items():
                if key in _PDF_ACTIVE_KEYS:
                    return key
                name = value.get_object() if key in ("/S", "/Type", "/Subtype") else None
                if isinstance(name, NameObject) and name in _PDF_ACTIVE_NAMES:
                    return name
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def store_document(upload, *, allowed: set[str], max_bytes: int) -> StoredFile:
    """An uploaded document (a scanned form, a sign-in sheet, a photo): stored like ``store``,
    then checked by ``check_content``; a refused file is deleted again. Refusals come back as
    errors of the form's ``file`` field."""
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件"})
    try:
        stored = store(upload, allowed=allowed, max_bytes=max_bytes)
        try:
            check_content(path_of(stored.stored_name), stored.kind)
        except ValidationError:
            delete(stored.stored_name)
            raise
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    return stored


def path_of(stored_name: str) -> Path:
    if not _NAME.match(stored_name or ""):
        raise Http404
    return root() / stored_name


def delete(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def store_optional(upload, *, allowed: set[str], max_bytes: int) -> StoredFile | None:
    """``store_document`` for an optional attachment (a visit's photo, evidence): None without one."""
    return None if upload is None else store_document(upload, allowed=allowed, max_bytes=max_bytes)


def attachment_fields(upload, stored: StoredFile | None, *, default_name: str = "file") -> dict:
    """The fields a model keeps of an optional attachment (``file``, ``file_type``, ``file_name``:
    its stored name, type and the name it was uploaded under); none without one."""
    if stored is None:
        return {}
    return {"file": stored.stored_name, "file_type": stored.content_type,
            "file_name": (getattr(upload, "name", "") or default_name)[-200:]}


class DeletedOnFailure:
    """``with DeletedOnFailure(stored), transaction.atomic(): …`` — a file stored before the
    transaction is deleted again when it fails: nothing is left half-written."""

    def __init__(self, stored: StoredFile | None):
        self.stored = stored

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is not None and self.stored is not None:
            delete(self.stored.stored_name)
        return False


def attachment(stored_name: str, download_name: str, content_type: str) -> FileResponse:
    path = path_of(stored_name)
    if not path.exists():
        raise Http404
    # A name uploaded before control characters were refused must not break the header.
    download_name = INVALID_ON_ONE_LINE.sub("_", download_name)
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=download_name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged(request, stored_name: str, content_type: str) -> HttpResponse:
    """A stored media file served inline with HTTP range requests (``Range: bytes=a-b``, one
    range), which browsers need to seek in a video; 416 for a range outside the file. The caller
    has already found the owning object through ``visible_to``."""
    path = path_of(stored_name)
    if not path.exists():
        raise Http404
    size = path.stat().st_size
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match is None or match.groups() == ("", ""):
        response: HttpResponse = FileResponse(open(path, "rb"), content_type=content_type)
    else:
        first, last = match.groups()
        if first == "":
            start, end = max(size - int(last), 0), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        with open(path, "rb") as handle:
            handle.seek(start)
            body = handle.read(min(end - start + 1, 4 * 1024 * 1024))
        end = start + len(body) - 1
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(len(body))
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
