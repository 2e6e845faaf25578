"""What each role is shown (issue 10 items 8 and 9): the news editor's home, the API docs link,
intros printed once, labelled attendance controls."""

import re

from django.urls import reverse

from portal.tests.helpers import make_portal


def _menu(client) -> list[str]:
    return [label for label, _url, _key in client.get("/").context["nav_items"]]


def test_a_news_editor_is_told_what_they_may_do_not_that_they_have_no_grant(world):
    portal = make_portal(world)
    body = portal.client("news_editor").get("/").content.decode()
    assert "尚未获得任何授权" not in body
    assert "资讯编辑@资讯" in body  # the role, also in the user menu
    roles = body.split('id="channel-roles"')[1].split("</div>")[0]
    assert "资讯（含下级栏目）：编辑" in roles
    assert f'href="{reverse("portal:editor")}"' in roles and f'href="{reverse("portal:create")}"' in roles
    assert reverse("portal:comment_queue") not in roles  # moderating comments is a reviewer's
    reviewer = portal.client("news_reviewer").get("/").content.decode()
    assert f'href="{reverse("portal:comment_queue")}"' in reviewer


def test_someone_without_any_grant_is_still_told_so(world):
    assert "尚未获得任何授权" in world.client("outsider").get("/").content.decode()


def test_the_api_docs_are_in_the_menu_of_org_admins_only(world):
    portal = make_portal(world)
    for name in ("city_admin", "a_admin"):
        assert "接口文档" in _menu(world.client(name)), name
    for name in ("secretary", "member", "outsider", "sysadmin", "secadmin", "auditor"):
        assert "接口文档" not in _menu(world.client(name)), name
    assert "接口文档" not in _menu(portal.client("news_editor"))


def test_the_api_docs_page_links_back_to_the_platform(db, client):
    body = client.get("/api/v1/docs").content.decode()
    assert re.search(r'<a href="/">[^<]*返回基层党建数字化平台</a>', body)
    assert "swagger-ui-bundle.js" in body


def test_an_intro_is_printed_once(world):
    body = world.client("secretary").get(reverse("recruitment:create")).content.decode()
    assert body.count("年满十八岁方可申请入党") == 1


def test_every_control_of_the_attendance_form_has_a_name_for_screen_readers(world):
    from orglife.tests.helpers import record

    meeting = record(world)
    body = world.client("secretary").get(reverse("orglife:attendance", args=[meeting.pk])).content.decode()
    controls = re.findall(r"<(?:select|input)\b[^>]*name=\"(?:status|reason)_\d+\"[^>]*>", body)
    assert len(controls) == 4  # two members, a status and a reason each
    for control in controls:
        assert re.search(r'aria-label="(张秀英|李建国)(的出席情况|请假或缺席的原因)"', control), control


def test_the_lecture_fields_are_marked_for_the_lecture_kind_only(world):
    body = world.client("secretary").get(reverse("orglife:create") + f"?org={world.branch_a1.pk}").content.decode()
    for name in ("lecturer", "lecturer_unit", "by_secretary", "travelling"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*data-only-kind="lecture"|'
                         rf'<input[^>]*data-only-kind="lecture"[^>]*name="{name}"', body), name
    assert 'class="select-all"' in body  # 全选 / 全不选 beside the attendees (app.js)
