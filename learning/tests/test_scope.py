"""Every learning page and API operation: anonymous, without permission, in scope, out of scope
(404). ``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import api_client
from learning import services
from learning.models import OfflineHours, StudyDay

PAGES = {"learning:home", "learning:item", "learning:item_media", "learning:progress",
         "learning:session_open", "learning:beat"}
API = {"api:learning_course_list", "api:learning_item_list", "api:learning_session_open", "api:learning_heartbeat",
       "api:learning_session_close", "api:learning_my_hours", "api:learning_org_progress",
       "api:learning_offline_hours_create"}
SCOPE_TESTED = PAGES | API

pytestmark = pytest.mark.django_db


@pytest.fixture
def hx_item(world):
    """An item published by the 河西 district: out of scope for the 和平 district's people."""
    course = services.course_create(actor=world.users["b_admin"], org=world.district_b, title="河西区课程")
    return services.item_add(actor=world.users["b_admin"], course=course, kind="article", title="一", seconds=60,
                             body="正文")


def test_the_home_page_is_for_members_and_managers(world, article):
    assert Client().get(reverse("learning:home")).status_code == 302
    assert world.client("outsider").get(reverse("learning:home")).status_code == 404
    page = world.client("member").get(reverse("learning:home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "我的学时" in text and "/ 32 学时" in text and article.title in text
    assert world.client("a_admin").get(reverse("learning:home")).status_code == 200


def test_an_item_page_is_404_out_of_scope(world, article, hx_item):
    url = reverse("learning:item", args=[article.pk])
    assert Client().get(url).status_code == 302
    assert world.client("member").get(url).status_code == 200
    assert world.client("outsider").get(url).status_code == 404
    assert world.client("member").get(reverse("learning:item", args=[hx_item.pk])).status_code == 404
    assert world.client("a_admin").get(reverse("learning:item", args=[hx_item.pk])).status_code == 404
    assert world.client("b_admin").get(reverse("learning:item", args=[hx_item.pk])).status_code == 200


def test_media_are_served_with_range_requests_in_scope_only(world, video):
    url = reverse("learning:item_media", args=[video.pk])
    whole = world.client("member").get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/mp4"
    part = world.client("member").get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206 and part.content == b"ftypmp42"
    assert part["Content-Range"] == f"bytes 4-11/{video.size}"
    assert world.client("member").get(url, HTTP_RANGE="bytes=-4").content == b"\x00" * 4
    assert world.client("member").get(url, HTTP_RANGE=f"bytes={video.size}-").status_code == 416
    assert world.client("b_admin").get(url).status_code == 404
    assert world.client("outsider").get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_uploads_are_checked_by_content(world, course):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as refused:
        services.item_add(actor=world.users["city_admin"], course=course, kind="video", title="假视频", seconds=60,
                          upload=SimpleUploadedFile("a.mp4", b"<html><script>alert(1)</script>"))
    assert "按文件内容判断" in str(refused.value)


def test_the_page_calls_open_a_session_and_credit_heartbeats(world, article, monkeypatch):
    client = world.client("member")
    opened = client.post(reverse("learning:session_open", args=[article.pk]))
    assert opened.status_code == 201
    token = opened.json()["token"]
    later = timezone.now() + timedelta(seconds=15)
    monkeypatch.setattr("learning.services.timezone.now", lambda: later)
    answer = client.post(reverse("learning:beat"), json.dumps(
        {"token": token, "seq": 1, "elapsed": 15, "visible": True, "focused": True}), content_type="application/json")
    assert answer.json()["credited"] == 15
    for bad in ("{", '{"seq": 1}', json.dumps({"token": token, "seq": "1", "elapsed": 1}),
                json.dumps({"token": token, "seq": 2, "elapsed": 1, "visible": 1, "focused": True}),
                json.dumps({"token": token, "seq": 10**12, "elapsed": 1}), "[]"):
        assert client.post(reverse("learning:beat"), bad, content_type="application/json").status_code == 400
    assert world.client("outsider").post(reverse("learning:session_open", args=[article.pk])).status_code == 404
    assert Client().post(reverse("learning:beat"), "{}", content_type="application/json").status_code == 404


def test_the_session_call_is_404_for_an_item_out_of_scope(world, hx_item):
    assert world.client("member").post(reverse("learning:session_open", args=[hx_item.pk])).status_code == 404


def test_the_progress_page_shows_the_branch_and_is_404_elsewhere(world, article):
    url = reverse("learning:progress", args=[world.branch_a1.pk])
    page = world.client("secretary").get(url)
    assert page.status_code == 200 and "张秀英" in page.content.decode()
    assert world.client("a_admin").get(url).status_code == 200
    assert world.client("b_admin").get(url).status_code == 404
    assert world.client("member").get(url).status_code == 404
    assert world.client("secretary").get(reverse("learning:progress", args=[world.branch_a2.pk])).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_api_follows_the_same_scope(world, article, hx_item, monkeypatch):
    member, b_admin, outsider = api_client("member"), api_client("b_admin"), api_client("outsider")
    assert [c["title"] for c in member.get("/api/v1/learning/courses").json()] == [article.course.title]
    assert outsider.get("/api/v1/learning/courses").status_code == 404
    assert member.get(f"/api/v1/learning/courses/{article.course_id}/items").status_code == 200
    assert member.get(f"/api/v1/learning/courses/{hx_item.course_id}/items").status_code == 404
    assert member.post(f"/api/v1/learning/items/{hx_item.pk}/sessions").status_code == 404
    opened = member.post(f"/api/v1/learning/items/{article.pk}/sessions")
    assert opened.status_code == 201
    token = opened.json()["token"]
    later = timezone.now() + timedelta(seconds=15)
    monkeypatch.setattr("learning.services.timezone.now", lambda: later)
    beat = {"seq": 1, "elapsed": 15, "visible": True, "focused": True}
    assert b_admin.post(f"/api/v1/learning/sessions/{token}/beats", beat, content_type="application/json"
                        ).status_code == 404  # no member record: not a student at all
    answer = member.post(f"/api/v1/learning/sessions/{token}/beats", beat, content_type="application/json")
    assert answer.json() == {"accepted": True, "credited": 15, "reason": "", "message": ""}
    assert member.post(f"/api/v1/learning/sessions/{token}/beats", {**beat, "seq": -1},
                       content_type="application/json").status_code == 422
    assert member.post(f"/api/v1/learning/sessions/{token}/close").status_code == 204
    assert outsider.post(f"/api/v1/learning/sessions/{token}/close").status_code == 404
    assert member.get("/api/v1/learning/me/hours").json()["required"] == 32
    assert outsider.get("/api/v1/learning/me/hours").status_code == 404
    progress = api_client("secretary").get(f"/api/v1/learning/orgs/{world.branch_a1.pk}/progress")
    assert {row["name"] for row in progress.json()} == {"张秀英", "李建国"}
    assert b_admin.get(f"/api/v1/learning/orgs/{world.branch_a1.pk}/progress").status_code == 404
    assert member.get(f"/api/v1/learning/orgs/{world.branch_a1.pk}/progress").status_code == 404
    assert StudyDay.objects.get().seconds == 15


def test_offline_hours_need_evidence_and_scope(world):
    payload = {"member_id": world.members["a1_member"].pk, "day": str(timezone.localdate()), "hours": "4",
               "subject": "区委党校培训", "evidence": ""}
    secretary = api_client("secretary")
    refused = secretary.post("/api/v1/learning/offline-hours", payload, content_type="application/json")
    assert refused.status_code == 422 and "证明材料" in refused.json()["detail"]
    assert OfflineHours.objects.count() == 0
    payload["evidence"] = "结业证书 2026-018"
    assert api_client("b_admin").post("/api/v1/learning/offline-hours", payload,
                                      content_type="application/json").status_code == 404
    assert api_client("member").post("/api/v1/learning/offline-hours", payload,
                                     content_type="application/json").status_code == 404
    assert secretary.post("/api/v1/learning/offline-hours", payload, content_type="application/json").status_code == 201
    assert float(api_client("member").get("/api/v1/learning/me/hours").json()["offline"]) == 4
