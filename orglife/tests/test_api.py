"""/api/v1/orglife: the same scope as the pages (404 out of scope), refusals 422 with the rule's
Chinese message, the wrong role on a visible record 403."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.testing import PASSWORD
from orglife.models import Meeting, MeetingState
from orglife.tests.helpers import record, state

API_URLS = {"api:meeting_list", "api:meeting_detail", "api:meeting_create", "api:meeting_update",
            "api:meeting_submit", "api:attendance_list", "api:attendance_record", "api:sign_in",
            "api:review_list", "api:review_approve", "api:review_return", "api:compliance"}


def api(persona):
    response = Client().post("/api/v1/auth/token", {"username": persona, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def payload(world, **overrides):
    data = {"org_id": world.branch_a1.pk, "kind": "theme_day", "held_on": str(timezone.localdate() - timedelta(days=2)),
            "place": "活动室", "host": "李建国", "recorder": "张秀英", "topic": "学习党章",
            "minutes": "会议学习了党章第一章，与会党员交流了体会并提出意见建议。",
            "attendee_ids": [world.members["a1_member"].pk]}
    data.update(overrides)
    return data


def test_the_whole_cycle_through_the_api(world):
    secretary, reviewer = api("secretary"), api("a_admin")
    response = secretary.post("/api/v1/orglife/meetings", payload(world), content_type="application/json")
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    assert secretary.get(f"/api/v1/orglife/meetings/{meeting_id}/attendance").json()[0]["status"] == "present"
    response = secretary.post(f"/api/v1/orglife/meetings/{meeting_id}/attendance", {"entries": [
        {"member_id": world.members["a1_secretary"].pk, "status": "leave", "reason": ""}]},
        content_type="application/json")
    assert response.status_code == 422 and "请假或缺席须注明原因" in response.json()["detail"]
    assert secretary.post(f"/api/v1/orglife/meetings/{meeting_id}/submit").json()["state"] == "submitted"
    response = secretary.post(f"/api/v1/orglife/meetings/{meeting_id}/approve", {}, content_type="application/json")
    assert response.status_code == 403 and "只有上级党组织可以审核" in response.json()["detail"]
    response = reviewer.post(f"/api/v1/orglife/meetings/{meeting_id}/return", {"comment": ""},
                             content_type="application/json")
    assert response.status_code == 422 and "退回时请填写审核意见" in response.json()["detail"]
    reviewer.post(f"/api/v1/orglife/meetings/{meeting_id}/return", {"comment": "补充决定事项"},
                  content_type="application/json")
    response = secretary.patch(f"/api/v1/orglife/meetings/{meeting_id}", {"decisions": "每月开展志愿服务"},
                               content_type="application/json")
    assert response.status_code == 200 and response.json()["decisions"] == "每月开展志愿服务"
    assert secretary.post(f"/api/v1/orglife/meetings/{meeting_id}/submit").json()["state"] == "submitted"
    response = reviewer.post(f"/api/v1/orglife/meetings/{meeting_id}/approve", {"comment": "同意"},
                             content_type="application/json")
    assert response.json()["state"] == MeetingState.APPROVED
    rounds = secretary.get(f"/api/v1/orglife/meetings/{meeting_id}/reviews").json()
    assert [(r["number"], r["decision"]) for r in rounds] == [(1, "returned"), (2, "approved")]


def test_refusals_are_422_with_the_rule(world):
    secretary = api("secretary")
    response = secretary.post("/api/v1/orglife/meetings", payload(world, kind="committee_meeting"),
                              content_type="application/json")
    assert response.status_code == 422 and "不召开支委会" in response.json()["detail"]
    response = secretary.post("/api/v1/orglife/meetings", payload(world, attendee_ids=[world.members["b1_member"].pk]),
                              content_type="application/json")
    assert response.status_code == 422 and "出席人员须是本组织的党员" in response.json()["detail"]


@pytest.mark.parametrize("persona", ["b_admin", "outsider"])
def test_out_of_scope_is_404_everywhere_and_writes_nothing(world, persona):
    meeting = record(world)
    client = api(persona)
    before = state()
    for method, url, body in [
        ("get", f"/api/v1/orglife/meetings/{meeting.pk}", None),
        ("patch", f"/api/v1/orglife/meetings/{meeting.pk}", {"topic": "x"}),
        ("post", f"/api/v1/orglife/meetings/{meeting.pk}/submit", None),
        ("get", f"/api/v1/orglife/meetings/{meeting.pk}/attendance", None),
        ("post", f"/api/v1/orglife/meetings/{meeting.pk}/attendance", {"entries": []}),
        ("get", f"/api/v1/orglife/meetings/{meeting.pk}/reviews", None),
        ("post", f"/api/v1/orglife/meetings/{meeting.pk}/approve", {}),
        ("post", f"/api/v1/orglife/meetings/{meeting.pk}/return", {"comment": "x"}),
        ("post", f"/api/v1/orglife/sign-in/{meeting.signin_token}", None),
        ("post", "/api/v1/orglife/meetings", payload(world)),
        ("get", f"/api/v1/orglife/compliance?org={world.branch_a1.pk}", None),
    ]:
        kwargs = {"content_type": "application/json"} if body is not None else {}
        response = getattr(client, method)(url, body, **kwargs) if body is not None else getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["detail"] == "未找到，或不在您的管理范围内"
    assert state() == before


@pytest.mark.parametrize("persona", ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider"])
def test_the_list_holds_what_the_page_holds(world, persona):
    for org, attendee in ((world.branch_a1, "a1_member"), (world.branch_b1, "b1_member")):
        record(world, actor="city_admin", org=org, attendees=(attendee,))
    body = api(persona).get("/api/v1/orglife/meetings", {"limit": 200}).json()
    expected = set(Meeting.objects.visible_to(world.users[persona]).values_list("pk", flat=True))
    assert {item["id"] for item in body["items"]} == expected and body["count"] == len(expected)
    assert len(expected) == {"city_admin": 2, "a_admin": 1, "b_admin": 1, "secretary": 1, "member": 1,
                             "outsider": 0}[persona]


def test_sign_in_through_the_api(world):
    now = timezone.localtime()
    meeting = record(world, held_on=now.date(), start_time=now.time(), attendees=())
    response = api("member").post(f"/api/v1/orglife/sign-in/{meeting.signin_token}")
    assert response.status_code == 200 and response.json()["new"] is True
    assert api("member").post(f"/api/v1/orglife/sign-in/{meeting.signin_token}").json()["new"] is False
    response = api("a_admin").post(f"/api/v1/orglife/sign-in/{meeting.signin_token}")
    assert response.status_code == 422 and "不能在本次会议签到" in response.json()["detail"]


def test_compliance_through_the_api(world):
    body = api("a_admin").get("/api/v1/orglife/compliance", {"month": "2026-03"}).json()
    assert body["org_id"] == world.district_a.pk and body["month"] == "2026-03"
    assert [c["org_id"] for c in body["children"]] == [world.street_a.pk]
    branch = api("secretary").get("/api/v1/orglife/compliance").json()
    assert branch["org_id"] == world.branch_a1.pk
    assert {i["requirement"] for i in branch["items"]} >= {"branch_assembly", "theme_day"}
    assert api("secretary").get("/api/v1/orglife/compliance", {"month": "2026-13"}).status_code == 422
    assert api("member").get("/api/v1/orglife/compliance").status_code == 404


def test_the_api_names_are_what_the_scope_meta_test_expects():
    for name in API_URLS:
        assert reverse(name, kwargs={"meeting_id": 1} if "meeting" in name and name not in (
            "api:meeting_list", "api:meeting_create") or name.startswith(("api:attendance", "api:review")) else
            ({"token": "x"} if name == "api:sign_in" else {}))
