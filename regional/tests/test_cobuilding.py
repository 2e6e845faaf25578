"""Expanded committees and co-building: part-time members, joint meetings, the three lists with
projects tracked to completion; counts per street and district from the summary rows; the
refusals; every page and API operation 404 out of scope."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import summaries
from dangjian.testing import api_client
from regional import cobuilding
from regional.models import CoBuildItem, CommitteeSeat, JointMeeting

PAGES = {"regional:cobuilding", "regional:seat_add", "regional:item_add", "regional:project_complete"}
API = {"api:regional_cobuilding", "api:regional_seat_add", "api:regional_meeting_record", "api:regional_item_add",
       "api:regional_project_complete"}
SCOPE_TESTED = PAGES | API
BASE = "/api/v1/regional"
TODAY = timezone.localdate()


def test_the_lists_and_projects_count_up_the_tree(world):
    admin, street = world.users["a_admin"], world.street_a
    cobuilding.seat_add(actor=admin, org=street, partner_unit="区税务局", member=world.members["a2_member"])
    cobuilding.meeting_record(actor=admin, org=street, held_on=TODAY, topic="共建项目推进", units=5)
    cobuilding.item_add(actor=admin, org=street, kind="need", title="老旧小区加装电梯")
    cobuilding.item_add(actor=admin, org=street, kind="resource", title="税务局会议室", partner_unit="区税务局")
    project = cobuilding.item_add(actor=admin, org=street, kind="project", title="社区便民服务站")
    cobuilding.item_add(actor=admin, org=street, kind="project", title="义诊")
    cobuilding.project_complete(actor=admin, item=project)
    assert cobuilding.counts(world.district_a) == {"seats": 1, "meetings": 1, "needs": 1, "resources": 1,
                                                   "projects": 2, "projects_done": 1}
    assert cobuilding.counts(world.district_b)["projects"] == 0
    with pytest.raises(ValidationError, match="已于"):
        cobuilding.project_complete(actor=admin, item=project)
    assert not summaries.check(["regional.cobuilding"])[0]


def test_the_refusals_write_nothing(world):
    admin = world.users["a_admin"]
    with pytest.raises(ValidationError, match="不是街道或社区"):
        cobuilding.item_add(actor=admin, org=world.district_a, kind="need", title="需求")
    with pytest.raises(ValidationError, match="晚于今天"):
        cobuilding.meeting_record(actor=admin, org=world.street_a, held_on=TODAY + timedelta(days=1), topic="会", units=2)
    need = cobuilding.item_add(actor=admin, org=world.street_a, kind="need", title="需求")
    with pytest.raises(ValidationError, match="只有项目"):
        cobuilding.project_complete(actor=admin, item=need)
    cobuilding.seat_add(actor=admin, org=world.street_a, partner_unit="区税务局", member=world.members["a2_member"])
    with pytest.raises(ValidationError, match="已是"):
        cobuilding.seat_add(actor=admin, org=world.street_a, partner_unit="区税务局", member=world.members["a2_member"])
    assert (CommitteeSeat.objects.count(), JointMeeting.objects.count(), CoBuildItem.objects.count()) == (1, 0, 1)


def test_every_page_and_operation_is_not_found_out_of_scope(world):
    project = cobuilding.item_add(actor=world.users["a_admin"], org=world.street_a, kind="project", title="服务站")
    client = world.client("b_admin")
    for url in (reverse("regional:cobuilding", args=[world.street_a.pk]),
                reverse("regional:seat_add", args=[world.street_a.pk]),
                reverse("regional:item_add", args=[world.street_a.pk])):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"kind": "need", "title": "需求", "partner_unit": "单位",
                                 "member_id": world.members["b1_member"].pk}).status_code == 404, url
    assert client.post(reverse("regional:project_complete", args=[project.pk])).status_code == 404
    api, street = api_client("b_admin"), world.street_a.pk
    assert api.get(f"{BASE}/orgs/{street}/cobuilding").status_code == 404
    for path, body in ((f"orgs/{street}/cobuilding/seats", {"partner_unit": "单位", "member_id": world.members["b1_member"].pk}),
                       (f"orgs/{street}/cobuilding/meetings", {"held_on": TODAY.isoformat(), "topic": "会", "units": 2}),
                       (f"orgs/{street}/cobuilding/items", {"kind": "need", "title": "需求"}),
                       (f"cobuilding/items/{project.pk}/complete", {})):
        assert api.post(f"{BASE}/{path}", body, content_type="application/json").status_code == 404, path
    project.refresh_from_db()
    assert project.done_on is None and CoBuildItem.objects.count() == 1
    assert not CommitteeSeat.objects.exists() and not JointMeeting.objects.exists()


def test_the_page_and_the_api(world):
    client = world.client("a_admin")
    answer = client.post(reverse("regional:item_add", args=[world.street_a.pk]), {"kind": "project", "title": "服务站"})
    assert answer.status_code == 302
    project = CoBuildItem.objects.get()
    assert client.post(reverse("regional:project_complete", args=[project.pk])).status_code == 302
    page = client.get(reverse("regional:cobuilding", args=[world.district_a.pk])).content.decode()
    assert "小白楼街道党工委" in page
    api = api_client("a_admin")
    made = api.post(f"{BASE}/orgs/{world.street_a.pk}/cobuilding/meetings",
                    {"held_on": TODAY.isoformat(), "topic": "联席会议", "units": 4}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert api.get(f"{BASE}/orgs/{world.district_a.pk}/cobuilding").json() == {
        "org_id": world.district_a.pk, "seats": 0, "meetings": 1, "needs": 0, "resources": 0, "projects": 1,
        "projects_done": 1}
