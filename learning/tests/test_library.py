"""The study library's publishing (issue 16.1): channels (栏目) in a tree of at most three levels,
under channels of the org or of one above it; courses saved as drafts, filed under a channel,
published only with items and then seen down the tree; a member browses by channel (the channel
and those under it); bad input refused with nothing written; 404 out of scope on every page and
API operation."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.errors import NotFound
from dangjian.testing import api_client
from learning import selectors, services
from learning.models import Channel, Course, ItemKind, StudyItem

pytestmark = pytest.mark.django_db

PAGES = {"learning:library", "learning:channel_create", "learning:course_create", "learning:course",
         "learning:item_add", "learning:course_publish"}
API = {"api:learning_channel_list", "api:learning_channel_create", "api:learning_course_create",
       "api:learning_course_publish", "api:learning_item_add"}
SCOPE_TESTED = PAGES | API


@pytest.fixture
def theory(world):
    return services.channel_create(actor=world.users["city_admin"], org=world.city, name="理论学习")


def refused(call, field=None):
    with pytest.raises(ValidationError) as info:
        call()
    if field:
        assert field in info.value.message_dict, info.value
    return info.value


def test_channels_nest_three_levels_under_the_org_or_above(world, theory):
    history = services.channel_create(actor=world.users["a_admin"], org=world.district_a, name="党史学习",
                                      parent=theory)
    local = services.channel_create(actor=world.users["a_admin"], org=world.district_a, name="和平红色地标",
                                    parent=history)
    assert (history.depth, local.depth) == (2, 3) and [c.name for c in local.lineage()] == ["理论学习", "党史学习", "和平红色地标"]
    refused(lambda: services.channel_create(actor=world.users["a_admin"], org=world.district_a, name="第四级",
                                            parent=local), "parent")
    refused(lambda: services.channel_create(actor=world.users["a_admin"], org=world.district_a, name="党史学习",
                                            parent=theory), "name")
    refused(lambda: services.channel_create(actor=world.users["a_admin"], org=world.district_a, name=" "), "name")
    # A district's channel is not the parent of another district's.
    refused(lambda: services.channel_create(actor=world.users["b_admin"], org=world.district_b, name="河西",
                                            parent=history), "parent")
    with pytest.raises(NotFound):
        services.channel_create(actor=world.users["a_admin"], org=world.district_b, name="越权")
    assert Channel.objects.count() == 3


def test_a_course_is_a_draft_until_it_has_items_and_is_published(world, theory):
    course = services.course_create(actor=world.users["a_admin"], org=world.district_a, title="和平区党史课",
                                    channel=theory, published=False)
    assert course not in selectors.courses_for(world.users["member"])
    refused(lambda: services.course_publish(actor=world.users["a_admin"], course=course, published=True))
    services.item_add(actor=world.users["a_admin"], course=course, kind=ItemKind.ARTICLE, title="第一讲",
                      seconds=600, body="正文")
    services.course_publish(actor=world.users["a_admin"], course=course, published=True)
    assert course in selectors.courses_for(world.users["member"])
    refused(lambda: services.course_publish(actor=world.users["a_admin"], course=course, published=True))
    hx_channel = services.channel_create(actor=world.users["b_admin"], org=world.district_b, name="河西栏目")
    refused(lambda: services.course_create(actor=world.users["a_admin"], org=world.district_a, title="错栏目",
                                           channel=hx_channel), "channel")
    assert Course.objects.count() == 1


def test_a_member_browses_a_channel_and_the_channels_under_it(world, theory):
    history = services.channel_create(actor=world.users["city_admin"], org=world.city, name="党史学习", parent=theory)
    other = services.channel_create(actor=world.users["city_admin"], org=world.city, name="业务培训")
    for title, channel in (("党史第一课", history), ("业务第一课", other)):
        course = services.course_create(actor=world.users["city_admin"], org=world.city, title=title, channel=channel)
        services.item_add(actor=world.users["city_admin"], course=course, kind=ItemKind.ARTICLE, title="一讲",
                          seconds=60, body="正文")
    page = world.client("member").get(reverse("learning:home") + f"?channel={theory.pk}").content.decode()
    assert "党史第一课" in page and "业务第一课" not in page  # under 理论学习 › 党史学习
    page = world.client("member").get(reverse("learning:home")).content.decode()
    assert "党史第一课" in page and "业务第一课" in page
    assert [c.name for c in selectors.channel_tree(world.users["member"])] == ["业务培训", "理论学习", "党史学习"]


def test_the_district_admin_publishes_a_course_on_the_pages(world, theory, tmp_path, settings):
    client = world.client("a_admin")
    response = client.post(reverse("learning:channel_create"), {"name": "党史学习", "parent": theory.pk})
    assert response.status_code == 302
    history = Channel.objects.get(name="党史学习")
    assert history.org == world.district_a and history.parent == theory
    response = client.post(reverse("learning:course_create"), {"title": "和平区红色故事", "channel": history.pk,
                                                               "summary": "", "required_for": "", "year": ""})
    course = Course.objects.get(title="和平区红色故事")
    assert response.status_code == 302 and not course.published and course.org == world.district_a
    assert client.post(reverse("learning:item_add", args=[course.pk]), {
        "kind": "article", "title": "第一讲", "minutes": "10", "body": "正文", "position": "0"}).status_code == 302
    assert StudyItem.objects.get(course=course).seconds == 600
    # A video without its file: the form says so, nothing written.
    response = client.post(reverse("learning:item_add", args=[course.pk]), {
        "kind": "video", "title": "视频", "minutes": "5", "body": "", "position": "1"})
    assert response.status_code == 200 and StudyItem.objects.filter(course=course).count() == 1
    video = SimpleUploadedFile("a.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000)
    assert client.post(reverse("learning:item_add", args=[course.pk]), {
        "kind": "video", "title": "视频", "minutes": "5", "body": "", "position": "1", "upload": video}
    ).status_code == 302
    client.post(reverse("learning:course_publish", args=[course.pk]), {"published": "1"})
    course.refresh_from_db()
    assert course.published
    library = client.get(reverse("learning:library") + f"?channel={theory.pk}").content.decode()
    assert "和平区红色故事" in library and "理论学习 › 党史学习" in library
    assert "和平区红色故事" in world.client("member").get(reverse("learning:home")).content.decode()


def test_a_malformed_course_form_is_refused_and_nothing_written(world):
    client = world.client("a_admin")
    response = client.post(reverse("learning:course_create"), {"title": "必学课", "required_for": "all", "year": ""})
    assert response.status_code == 200 and "必学课程须填写年度" in response.content.decode()
    response = api_client("a_admin").post("/api/v1/learning/courses", {"org_id": world.district_a.pk, "title": "课",
                                                                        "required_for": "all", "year": 1800},
                                          content_type="application/json")
    assert response.status_code == 422
    assert not Course.objects.exists()


def test_the_api_publishes_a_course(world, theory):
    api = api_client("a_admin")
    channel = api.post("/api/v1/learning/channels", {"org_id": world.district_a.pk, "name": "党史学习",
                                                     "parent_id": theory.pk}, content_type="application/json")
    assert channel.status_code == 201 and channel.json()["depth"] == 2
    made = api.post("/api/v1/learning/courses", {"org_id": world.district_a.pk, "title": "和平区红色故事",
                                                 "channel_id": channel.json()["id"], "summary": "",
                                                 "required_for": "", "year": None}, content_type="application/json")
    assert made.status_code == 201 and made.json()["channel"] == "理论学习 › 党史学习"
    course_id = made.json()["id"]
    item = api.post(f"/api/v1/learning/courses/{course_id}/items", {"kind": "article", "title": "第一讲",
                                                                   "seconds": 600, "body": "正文", "position": 0})
    assert item.status_code == 201, item.content
    published = api.post(f"/api/v1/learning/courses/{course_id}/publish", {"published": True},
                         content_type="application/json")
    assert published.status_code == 200 and published.json()["published"] is True
    # The member of a branch of the district sees the city's channel and the district's under it.
    assert [c["name"] for c in api_client("member").get("/api/v1/learning/channels").json()] == ["理论学习", "党史学习"]
    assert [c["name"] for c in api_client("b_admin").get("/api/v1/learning/channels").json()] == ["理论学习"]


def test_out_of_scope_pages_and_api_are_not_found(world, theory):
    course = services.course_create(actor=world.users["a_admin"], org=world.district_a, title="和平区课程",
                                    published=False)
    other = world.client("b_admin")
    for name, args in [("learning:course", [course.pk]), ("learning:item_add", [course.pk])]:
        assert other.get(reverse(name, args=args)).status_code == 404, name
    assert other.post(reverse("learning:course_publish", args=[course.pk]), {"published": "1"}).status_code == 404
    assert other.get(reverse("learning:course_create") + f"?org={world.district_a.pk}").status_code == 404
    assert other.get(reverse("learning:channel_create") + f"?org={world.district_a.pk}").status_code == 404
    assert "和平区课程" not in other.get(reverse("learning:library")).content.decode()
    member = world.client("member")
    for name, args in [("learning:library", []), ("learning:channel_create", []), ("learning:course_create", []),
                       ("learning:item_add", [course.pk]), ("learning:course", [course.pk])]:  # a draft
        assert member.get(reverse(name, args=args)).status_code == 404, name
    assert Client().get(reverse("learning:library")).status_code == 302
    api = api_client("b_admin")
    for url, body in [("/api/v1/learning/channels", {"org_id": world.district_a.pk, "name": "越权"}),
                      ("/api/v1/learning/courses", {"org_id": world.district_a.pk, "title": "越权"}),
                      (f"/api/v1/learning/courses/{course.pk}/publish", {"published": True})]:
        assert api.post(url, body, content_type="application/json").status_code == 404, url
    assert api.post(f"/api/v1/learning/courses/{course.pk}/items", {"kind": "article", "title": "越权", "seconds": 60,
                                                                   "body": "正文", "position": 0}).status_code == 404
    assert api.post("/api/v1/learning/courses", {"org_id": world.district_b.pk, "title": "挂错栏目",
                                                 "channel_id": 10**9}, content_type="application/json").status_code == 404
    assert api_client("outsider").get("/api/v1/learning/channels").status_code == 404
    assert Channel.objects.count() == 1 and Course.objects.count() == 1 and not StudyItem.objects.exists()
