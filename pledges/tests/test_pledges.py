"""Pledges and duty posts (issue 16.8): the member pledges and rewrites while it waits; the branch
approves or returns (with a reason, never its own, never twice); fulfilment only on an approved
pledge, within its year, reviewed the same way; posts held by members of the subtree; the public
badge page masks the name and shows only approved pledges; counts from the summary equal a
recount; 404 for every page and API operation out of scope."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import summaries
from core.errors import NotFound
from dangjian.testing import api_client, make_user
from pledges import rules, selectors, services
from pledges.models import DutyPost, Pledge, PledgeRecord, ReviewState

TODAY = timezone.localdate()

PAGES = {"pledges:home", "pledges:pledge_create", "pledges:pledge", "pledges:pledge_edit", "pledges:pledge_review",
         "pledges:record_add", "pledges:record_review", "pledges:queue", "pledges:posts", "pledges:post_create",
         "pledges:post", "pledges:post_end", "pledges:post_qr"}
API = {"api:pledges_mine", "api:pledges_create", "api:pledges_update", "api:pledges_record_add", "api:pledges_queue",
       "api:pledges_review", "api:pledges_record_review", "api:pledges_post_list", "api:pledges_post_create",
       "api:pledges_post_end"}
PUBLIC = {"pledges:badge"}  # the badge page a QR code opens: no login, on purpose (its test below)
SCOPE_TESTED = PAGES | API


def refused(call, field=None):
    with pytest.raises(ValidationError) as info:
        call()
    if field:
        assert field in info.value.message_dict, info.value
    return info.value


def pledge(world, text="每月走访联系户不少于2户"):
    return services.pledge_create(actor=world.users["member"], text=text)


def approved(world, text="每月走访联系户不少于2户"):
    made = pledge(world, text)
    return services.pledge_review(actor=world.users["a_admin"], pledge=made, approve=True)


def counted_equal_recount():
    assert not any(summaries.check(["pledges.org_year"]))


def test_a_pledge_waits_is_returned_with_a_reason_rewritten_and_approved(world):
    made = pledge(world)
    assert made.state == ReviewState.PENDING and made.org == world.branch_a1
    refused(lambda: services.pledge_review(actor=world.users["a_admin"], pledge=made, approve=False), "note")
    services.pledge_review(actor=world.users["a_admin"], pledge=made, approve=False, note="请写具体")
    made = services.pledge_update(actor=world.users["member"], pledge=made, text="每月走访联系户2户并记录")
    assert made.state == ReviewState.PENDING and made.review_note == ""
    services.pledge_review(actor=world.users["a_admin"], pledge=made, approve=True)
    refused(lambda: services.pledge_review(actor=world.users["a_admin"], pledge=made, approve=True))  # twice
    refused(lambda: services.pledge_update(actor=world.users["member"], pledge=made, text="改一改内容吧"))
    counted_equal_recount()
    assert selectors.counts(world.city, TODAY.year) == {"pledges": 1, "approved": 1, "records": 0, "accepted": 0}


def test_no_one_reviews_their_own_pledge(world):
    own = services.pledge_create(actor=world.users["secretary"], text="带头落实三会一课制度")
    refused(lambda: services.pledge_review(actor=world.users["secretary"], pledge=own, approve=True))
    assert Pledge.objects.get().state == ReviewState.PENDING
    pledges, _ = selectors.queue(world.users["secretary"])
    assert own not in pledges


def test_pledge_rules_refuse_and_write_nothing(world):
    refused(lambda: pledge(world, "太短"), "text")
    refused(lambda: pledge(world, "很" * 301), "text")
    for i in range(rules.MAX_PLEDGES):
        pledge(world, f"第{i + 1}项承诺内容")
    refused(lambda: pledge(world, "第六项承诺内容"), "text")
    assert Pledge.objects.count() == rules.MAX_PLEDGES
    with pytest.raises(NotFound):  # not a member
        services.pledge_create(actor=world.users["a_admin"], text="管理员的承诺")
    with pytest.raises(NotFound):  # out of scope
        services.pledge_review(actor=world.users["b_admin"], pledge=Pledge.objects.first(), approve=True)
    counted_equal_recount()


def test_fulfilment_only_on_an_approved_pledge_within_its_year(world):
    made = pledge(world)
    refused(lambda: services.record_add(actor=world.users["member"], pledge=made, day=TODAY, text="走访了两户"))
    services.pledge_review(actor=world.users["a_admin"], pledge=made, approve=True)
    refused(lambda: services.record_add(actor=world.users["member"], pledge=made, day=TODAY + timedelta(days=1),
                                        text="走访了两户"), "day")
    refused(lambda: services.record_add(actor=world.users["member"], pledge=made, day=date(TODAY.year - 1, 12, 1),
                                        text="走访了两户"), "day")
    with pytest.raises(NotFound):  # another member's pledge
        services.record_add(actor=world.users["secretary"], pledge=made, day=TODAY, text="走访了两户")
    assert not PledgeRecord.objects.exists()
    record = services.record_add(actor=world.users["member"], pledge=made, day=TODAY, text="走访了两户", evidence="照片3张")
    refused(lambda: services.record_review(actor=world.users["a_admin"], record=record, approve=False), "note")
    services.record_review(actor=world.users["a_admin"], record=record, approve=True)
    refused(lambda: services.record_review(actor=world.users["a_admin"], record=record, approve=True))
    counted_equal_recount()
    assert selectors.counts(world.district_a, TODAY.year)["accepted"] == 1


def test_a_post_is_held_by_a_member_of_the_subtree_and_its_badge_masks_the_name(world):
    refused(lambda: services.post_create(actor=world.users["a_admin"], org=world.branch_a1, kind="vanguard",
                                         name="环境整治先锋岗", duties="负责楼道环境整治", holder=world.members["b1_member"]),
            "holder")
    approved(world, "每月走访联系户不少于2户")
    pledge(world, "这一条还在等待审核")
    post = services.post_create(actor=world.users["a_admin"], org=world.branch_a1, kind="vanguard",
                                name="环境整治先锋岗", duties="负责楼道环境整治", holder=world.members["a1_member"])
    page = Client().get(post.get_badge_url()).content.decode()  # no login
    assert "张**" in page and "张秀英" not in page
    assert "每月走访联系户不少于2户" in page and "这一条还在等待审核" not in page
    assert "110101" not in page  # nothing of the ID number
    services.post_end(actor=world.users["a_admin"], post=post)
    assert "已撤牌" in Client().get(post.get_badge_url()).content.decode()
    refused(lambda: services.post_end(actor=world.users["a_admin"], post=post))
    assert Client().get(reverse("pledges:badge", args=["no-such-token"])).status_code == 404
    assert rules.mask_name("欧阳修") == "欧**" and rules.mask_name("李") == "李*"


def test_the_member_pledges_and_the_secretary_reviews_on_the_pages(world):
    member = world.client("member")
    response = member.post(reverse("pledges:pledge_create"), {"text": "短"})
    assert response.status_code == 200 and not Pledge.objects.exists()
    member.post(reverse("pledges:pledge_create"), {"text": "每月参加社区志愿服务"})
    made = Pledge.objects.get()
    secretary = world.client("secretary")
    assert "每月参加社区志愿服务" in secretary.get(reverse("pledges:queue")).content.decode()
    response = secretary.post(reverse("pledges:pledge_review", args=[made.pk]), {"decision": "return"})
    assert response.status_code == 200 and Pledge.objects.get().state == ReviewState.PENDING  # a reason needed
    secretary.post(reverse("pledges:pledge_review", args=[made.pk]), {"decision": "approve"})
    assert Pledge.objects.get().state == ReviewState.APPROVED
    member.post(reverse("pledges:record_add", args=[made.pk]), {"day": TODAY.isoformat(), "text": "参加了环境整治活动"})
    record = PledgeRecord.objects.get()
    secretary.post(reverse("pledges:record_review", args=[record.pk]), {"decision": "approve"})
    assert PledgeRecord.objects.get().state == ReviewState.APPROVED
    assert "参加了环境整治活动" in member.get(reverse("pledges:home")).content.decode()


def test_api_pledge_review_and_posts(world):
    member = api_client("member")
    response = member.post("/api/v1/pledges/", {"text": "短"}, content_type="application/json")
    assert response.status_code == 422
    response = member.post("/api/v1/pledges/", {"text": "每月参加社区志愿服务"}, content_type="application/json")
    assert response.status_code == 201, response.content
    pledge_id = response.json()["id"]
    admin = api_client("a_admin")
    assert admin.get("/api/v1/pledges/queue").json()["pledges"][0]["id"] == pledge_id
    response = admin.post(f"/api/v1/pledges/{pledge_id}/review", {"approve": False}, content_type="application/json")
    assert response.status_code == 422
    response = admin.post(f"/api/v1/pledges/{pledge_id}/review", {"approve": True}, content_type="application/json")
    assert response.json()["state"] == "approved"
    response = member.post(f"/api/v1/pledges/{pledge_id}/records", {"day": TODAY.isoformat(), "text": "参加环境整治"},
                           content_type="application/json")
    assert response.status_code == 201
    assert member.get("/api/v1/pledges/mine").json()[0]["records"][0]["text"] == "参加环境整治"
    response = admin.post("/api/v1/pledges/posts", {
        "org_id": world.branch_a1.pk, "kind": "zone", "name": "3号楼责任区", "duties": "联系3号楼住户",
        "holder_id": world.members["a1_member"].pk, "started_on": TODAY.isoformat()}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert admin.get("/api/v1/pledges/posts").json()["items"][0]["name"] == "3号楼责任区"


def test_out_of_scope_pages_and_api_are_not_found(world):
    made = approved(world)
    record = services.record_add(actor=world.users["member"], pledge=made, day=TODAY, text="走访了两户")
    post = services.post_create(actor=world.users["a_admin"], org=world.branch_a1, kind="zone", name="3号楼责任区",
                                duties="联系3号楼住户", holder=world.members["a1_member"])
    other = world.client("b_admin")
    for name, args in [("pledges:pledge", [made.pk]), ("pledges:pledge_edit", [made.pk]),
                       ("pledges:pledge_review", [made.pk]), ("pledges:record_add", [made.pk]),
                       ("pledges:record_review", [record.pk]), ("pledges:post", [post.pk]),
                       ("pledges:post_end", [post.pk]), ("pledges:post_qr", [post.pk])]:
        assert other.get(reverse(name, args=args)).status_code == 404, name
    assert other.get(reverse("pledges:post_create") + "?org=HP01B01").status_code == 404
    assert "3号楼责任区" not in other.get(reverse("pledges:posts")).content.decode()
    assert "走访了两户" not in other.get(reverse("pledges:queue")).content.decode()
    # The secretary of the branch is a member too: editing or recording on another's pledge is 404.
    secretary = world.client("secretary")
    assert secretary.get(reverse("pledges:pledge_edit", args=[made.pk])).status_code == 404
    assert secretary.get(reverse("pledges:record_add", args=[made.pk])).status_code == 404
    # A member sees their own pledge, not the review, the queue or the posts' management.
    member = world.client("member")
    assert member.get(reverse("pledges:pledge", args=[made.pk])).status_code == 200
    for name, args in [("pledges:pledge_review", [made.pk]), ("pledges:record_review", [record.pk]),
                       ("pledges:queue", []), ("pledges:posts", []), ("pledges:post_create", [])]:
        assert member.get(reverse(name, args=args)).status_code == 404, name
    outsider = world.client("outsider")
    for name in ("pledges:home", "pledges:pledge_create"):
        assert outsider.get(reverse(name)).status_code == 404, name
    api = api_client("b_admin")
    for method, url, body in [
            ("post", f"/api/v1/pledges/{made.pk}/review", {"approve": True}),
            ("post", f"/api/v1/pledges/records/{record.pk}/review", {"approve": True}),
            ("patch", f"/api/v1/pledges/{made.pk}", {"text": "改写承诺内容"}),
            ("post", f"/api/v1/pledges/{made.pk}/records", {"day": TODAY.isoformat(), "text": "走访了两户"}),
            ("post", f"/api/v1/pledges/posts/{post.pk}/end", {}),
            ("post", "/api/v1/pledges/posts", {"org_id": world.branch_a1.pk, "kind": "zone", "name": "岗",
                                               "duties": "联系住户五户", "holder_id": world.members["a1_member"].pk,
                                               "started_on": TODAY.isoformat()}),
            ("get", "/api/v1/pledges/mine", None)]:
        response = getattr(api, method)(url, body, content_type="application/json") if body is not None else \
            getattr(api, method)(url)
        assert response.status_code == 404, url
    assert api.get("/api/v1/pledges/queue").json() == {"pledges": [], "records": []}
    assert api.get("/api/v1/pledges/posts").json()["items"] == []
    outsider_api = api_client(make_user("nobody").username)
    assert outsider_api.post("/api/v1/pledges/", {"text": "每月参加志愿服务"}, content_type="application/json").status_code == 404
    assert PledgeRecord.objects.get().state == ReviewState.PENDING and DutyPost.objects.get().ended_on is None
