"""Uploaded documents (issue 21, item 6): a PDF is parsed (pypdf) and refused when it carries active
content however its names are spelled; a "PDF" that is HTML, in UTF-8 or UTF-16, is refused.
Files at rest (item 7): the SQLite database and uploads are readable by the service's user only."""

import io
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.utils import ConnectionHandler

from core import files
from dangjian.testing import pdf_bytes

HTML = "<html><body><img src=x onerror=alert(1)></body></html>"


def store(content: bytes):
    return files.store_document(SimpleUploadedFile("scan.pdf", content), allowed={"pdf"}, max_bytes=1024 * 1024)


def refusal(content: bytes) -> str:
    before = set(files.root().iterdir())
    with pytest.raises(ValidationError) as info:
        store(content)
    assert set(files.root().iterdir()) == before  # the refused file is not kept
    return " ".join(info.value.message_dict["file"])


@pytest.mark.parametrize("content", [
    pdf_bytes("/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"),  # name escapes
    b"%PDF-1.4\n<img src=x onerror=alert(1)>",
    b"%PDF-1.4\n" + HTML.encode("utf-16-le"),
    b"%PDF-1.4\n" + HTML.encode("utf-16-be"),
], ids=["escaped-javascript", "img-onerror", "utf16le-html", "utf16be-html"])
def test_it_refuses_the_three_reproducers(content):
    assert "不予接收" in refusal(content)


@pytest.mark.parametrize("catalog, objects", [
    ("/OpenAction<</S/JavaScript/JS(app.alert(1))>>", ()),
    ("/Names<</JavaScript 4 0 R>>", ("<</Names[(a) 5 0 R]>>", "<</S/JavaScript/JS(app.alert(1))>>")),
    ("/AA<</O<</S/Launch/F(calc.exe)>>>>", ()),
    ("/Names<</EmbeddedFiles 4 0 R>>", ("<</Names[(x.exe) 5 0 R]>>", "<</Type/Filespec/F(x.exe)/EF<</F 6 0 R>>>>",
                                        "<</Type/EmbeddedFile/Length 0>>stream\n\nendstream")),
    ("/AcroForm<</Fields[]/X#46A 4 0 R>>", ("<</Length 0>>stream\n\nendstream",)),
    ("/OpenAction 4 0 R", ("<</Type/Annot/Subtype/RichMedia/Rect[0 0 1 1]>>",)),
], ids=["openaction-js", "names-js", "launch", "embedded-file", "xfa", "richmedia"])
def test_it_refuses_active_content_found_by_parsing(catalog, objects):
    assert files.PDF_ACTIVE in refusal(pdf_bytes(catalog, objects))


def test_it_keeps_a_plain_pdf_and_one_that_opens_at_a_page():
    for content in (pdf_bytes(), pdf_bytes("/OpenAction[3 0 R/Fit]")):
        stored = store(content)
        assert files.path_of(stored.stored_name).read_bytes() == content
        files.delete(stored.stored_name)


@pytest.mark.parametrize("content", [b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n%%EOF\n",
                                     b"%PDF-1.4 /JavaScript (app.alert(1))", b"%PDF-" + b"\x00" * 100])
def test_it_refuses_a_pdf_it_cannot_read(content):
    assert refusal(content) == files.PDF_UNREADABLE


# --- files at rest (issue 21, item 7) -----------------------------------------------------------

def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_fresh_sqlite_database_its_wal_and_its_directory_are_the_service_users_only(settings, tmp_path,
                                                                                     django_db_blocker):
    settings.VAR_DIR = tmp_path
    tmp_path.chmod(0o755)
    name = tmp_path / "fresh.sqlite3"
    connection = ConnectionHandler({"default": {
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(name),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}}})["default"]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:  # a database of its own, not the test's
            cursor.execute("CREATE TABLE t (x TEXT)")
            cursor.execute("INSERT INTO t VALUES ('张三')")
        assert {mode(f"{name}{suffix}") for suffix in ("", "-wal", "-shm")} == {0o600}
        assert mode(tmp_path) == 0o700
    finally:
        connection.close()


def test_an_uploaded_file_is_created_0600_in_a_0700_directory(settings, tmp_path):
    settings.FILES_ROOT = tmp_path / "files"
    settings.FILES_ROOT.mkdir(mode=0o755)
    seen = []

    class Upload(io.BytesIO):
        def read(self, size=-1):  # while the file is being written, look at its mode
            seen.extend(mode(path) for path in settings.FILES_ROOT.iterdir())
            return super().read(size)

    stored = files.store(Upload(pdf_bytes()), allowed={"pdf"}, max_bytes=1024 * 1024)
    assert seen and set(seen) == {0o600}
    assert mode(files.path_of(stored.stored_name)) == 0o600 and mode(settings.FILES_ROOT) == 0o700
