"""Attachments (photos, sign-in sheets, scans): checked by content and size, stored outside the web
root under random names, served only with the meeting (404 out of scope), as downloads."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from dangjian.testing import pdf_bytes
from orglife import services
from orglife.models import Attachment
from orglife.tests.helpers import record, state


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def png_upload(name="签到表.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_an_attachment_is_stored_outside_the_web_root_and_downloaded_with_nosniff(world):
    meeting = record(world)
    attachment = services.attachment_add(actor=world.users["secretary"], meeting=meeting, upload=png_upload(),
                                         title="签到表")
    stored = Path(settings.FILES_ROOT) / attachment.stored_name
    assert stored.exists() and not str(stored).startswith(str(settings.STATIC_ROOT))
    assert attachment.stored_name != "签到表.png" and oct(stored.stat().st_mode)[-3:] == "600"
    c = Client()
    c.force_login(world.users["member"])  # attended: sees the meeting and its files
    response = c.get(reverse("orglife:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == png_bytes()
    assert AuditEntry.objects.filter(action="orglife.attachment_download").count() == 1


@pytest.mark.parametrize("name, content, fragment", [
    ("photo.png", b"<svg onload=alert(1)></svg>", "文件类型不支持"),
    ("scan.pdf", pdf_bytes("/Names<</JavaScript<</Names[(a)<</S/JavaScript/JS(app.alert(1))>>]>>>>"),
     "PDF 中含有脚本"),
    ("sheet.png", png_bytes() + b"<script>alert(1)</script>", "夹带网页或脚本"),
    ("run.exe", b"MZ\x90\x00\x03\x00\x00\x00", "文件类型不支持"),
    ("empty.pdf", b"", "文件类型不支持"),
])
def test_bad_files_are_refused_and_nothing_is_written(world, name, content, fragment):
    meeting = record(world)
    before = state()
    files_before = set(Path(settings.FILES_ROOT).glob("*")) if Path(settings.FILES_ROOT).exists() else set()
    with pytest.raises(ValidationError) as info:
        services.attachment_add(actor=world.users["secretary"], meeting=meeting,
                                upload=SimpleUploadedFile(name, content), title="材料")
    assert fragment in " ".join(info.value.messages)
    assert state() == before
    assert set(Path(settings.FILES_ROOT).glob("*")) == files_before


def test_a_huge_file_is_refused(world, monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 1024)
    meeting = record(world)
    upload = SimpleUploadedFile("big.png", png_bytes() + b"\x00" * 2048)
    with pytest.raises(ValidationError) as info:
        services.attachment_add(actor=world.users["secretary"], meeting=meeting, upload=upload, title="大图")
    assert "文件过大" in " ".join(info.value.messages)
    assert not Attachment.objects.exists()


def test_the_upload_page_shows_the_refusal(world):
    meeting = record(world)
    c = Client()
    c.force_login(world.users["secretary"])
    response = c.post(reverse("orglife:attachment_upload", args=[meeting.pk]),
                      {"title": "照片", "file": io.BytesIO(b"<html>x</html>")})
    assert response.status_code == 200 and "文件类型不支持" in response.content.decode()
    response = c.post(reverse("orglife:attachment_upload", args=[meeting.pk]),
                      {"title": "照片", "file": png_upload()})
    assert response.status_code == 302 and meeting.attachments.count() == 1


def test_a_submitted_record_takes_no_more_attachments(world):
    meeting = record(world)
    services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    with pytest.raises(ValidationError, match="不能再添加附件"):
        services.attachment_add(actor=world.users["secretary"], meeting=meeting, upload=png_upload(), title="补")
