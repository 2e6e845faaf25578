"""/api/v1/imports: the same batches as the pages, for other systems — upload, poll, rows,
commit, discard; the uploader's own only (404 for everyone else); masked numbers throughout."""

import re

import pytest
from django.test import Client

from dangjian.testing import PASSWORD
from members.models import ImportBatch, Member
from members.tests.test_import import CLEAR_ID, CLEAR_PHONE, committed, person, xlsx

API_URLS = {"api:import_list", "api:import_upload", "api:import_detail", "api:import_rows",
            "api:import_commit", "api:import_discard"}


def token_client(username: str) -> Client:
    response = Client().post("/api/v1/auth/token", {"username": username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def upload(client, content: bytes, name="r.xlsx", **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return committed(client.post, "/api/v1/imports", {"file": SimpleUploadedFile(name, content), **data})


@pytest.mark.usefixtures("transactional_db")  # the check and the commit are queued when the request commits
def test_upload_check_rows_and_commit_through_the_api(world):
    client = token_client("a_admin")
    response = upload(client, xlsx([person(1), person(2, 性别="女"), person(3)]))
    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["status"], batch["total_rows"], batch["error_rows"]) == ("previewed", 3, 1)
    rows = client.get(f"/api/v1/imports/{batch['id']}/rows?action=error").json()
    assert rows["count"] == 1 and rows["items"][0]["number"] == 3 and "性别" in rows["items"][0]["errors"][0]
    response = client.post(f"/api/v1/imports/{batch['id']}/commit")
    assert response.status_code == 422 and "预览无错误" in response.json()["detail"]

    batch = upload(client, xlsx([person(1), person(2)])).json()
    response = client.post(f"/api/v1/imports/{batch['id']}/commit")
    assert response.status_code == 202
    batch = client.get(f"/api/v1/imports/{batch['id']}").json()
    assert (batch["status"], batch["created_rows"]) == ("committed", 2)
    assert Member.objects.filter(name__in=["刘洋1", "刘洋2"]).count() == 2
    listed = client.get("/api/v1/imports").json()
    assert listed["count"] == 2 and listed["items"][0]["id"] == batch["id"]


def test_api_answers_hold_no_clear_numbers(world):
    client = token_client("a_admin")
    batch = upload(client, xlsx([person(1), person(2, 学历="幼儿园")])).json()
    text = client.get(f"/api/v1/imports/{batch['id']}/rows").content.decode()
    assert "120104********" in text
    assert not CLEAR_ID.search(text) and not CLEAR_PHONE.search(text)


def test_a_batch_is_404_through_the_api_for_everyone_but_its_uploader(world):
    batch = upload(token_client("a_admin"), xlsx([person(1)])).json()
    for user in ("b_admin", "city_admin", "secretary"):
        client = token_client(user)
        for method, path in [("get", ""), ("get", "/rows"), ("post", "/commit"), ("post", "/discard")]:
            response = getattr(client, method)(f"/api/v1/imports/{batch['id']}{path}")
            assert response.status_code == 404, (user, path)
        assert client.get("/api/v1/imports").json()["count"] == 0
    assert ImportBatch.objects.get().status == "previewed"


@pytest.mark.parametrize("user", ["member", "outsider"])
def test_the_import_api_is_404_without_member_change(world, user):
    client = token_client(user)
    assert client.get("/api/v1/imports").status_code == 404
    assert upload(client, xlsx([person(1)])).status_code == 404
    assert not ImportBatch.objects.exists()


def test_bad_uploads_get_a_chinese_message_never_a_500(world):
    client = token_client("a_admin")
    response = upload(client, b"%PDF-1.4 not a roster", name="r.pdf")
    assert response.status_code == 422 and re.search(r"[\u4e00-\u9fff]", response.json()["detail"])
    response = upload(client, xlsx([person(1)]), org="HX01B01")  # another district's org
    assert response.status_code == 404 and "不在您的管理范围内" in response.json()["detail"]
    response = client.post("/api/v1/imports", {})  # no file at all
    assert response.status_code in (400, 422)
    assert client.get("/api/v1/imports/1/rows?limit=0").status_code in (404, 422)
    assert not ImportBatch.objects.exclude(status="failed").exists()
