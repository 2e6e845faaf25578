"""Scope of the editor pages and API: an article is edited by the editors and reviewers granted its
channel or a channel above it, published, returned, unpublished and its comments moderated by the
reviewers only; everyone else gets 404 (a user without any grant above all). Anonymous users are
sent to the login page. The public pages are in orgs/tests/test_scope.py's PUBLIC.

``SCOPE_TESTED`` is what orgs/tests/test_scope.py's meta-test accepts as covered."""

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.testing import api_client
from portal import services
from portal.models import Article, Comment
from portal.tests.helpers import GRANTS, publish

EDIT_PAGES = {"portal:edit", "portal:preview", "portal:image_upload", "portal:submit"}
REVIEW_PAGES = {"portal:publish", "portal:return", "portal:unpublish"}
COMMENT_POSTS = {"portal:comment_approve", "portal:comment_reject"}
PAGES_WITHOUT_ID = {"portal:editor": "edit", "portal:create": "edit", "portal:comment_queue": "review"}
API_URLS = {"api:news_editor_articles", "api:news_article_create", "api:news_article_submit", "api:news_article_publish",
            "api:news_article_return", "api:news_article_unpublish"}
SCOPE_TESTED = EDIT_PAGES | REVIEW_PAGES | COMMENT_POSTS | set(PAGES_WITHOUT_ID) | API_URLS

PERSONAS = [*GRANTS, "city_admin", "secretary", "member", "outsider"]
# The channel tree (portal/demo.py), written out: each code with its ancestors.
ANCESTORS = {"zixun": ["zixun"], "guonei": ["zixun", "guonei"], "gedi": ["zixun", "guonei", "gedi"],
             "tianjin": ["zixun", "guonei", "gedi", "tianjin"], "jiceng": ["zixun", "jiceng"],
             "notice": ["notice"], "disclosure": ["disclosure"]}
ROLES = {"edit": {"editor", "reviewer"}, "review": {"reviewer"}}


def oracle(persona, channel_code, action) -> bool:
    return any(code in ANCESTORS[channel_code] and role in ROLES[action]
               for code, role in GRANTS.get(persona, []))


def anywhere(persona, action) -> bool:
    return any(role in ROLES[action] for _, role in GRANTS.get(persona, []))


@pytest.fixture
def articles(portal):
    made = {}
    for code in ("tianjin", "jiceng", "notice"):
        reviewer = portal.users["notice_reviewer" if code == "notice" else "news_reviewer"]
        made[code] = services.article_create(actor=reviewer, channel=portal.channels[code], title=f"{code} 稿件")
    return made


def client_for(portal, persona) -> Client:
    return portal.client(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_article_pages_answer_by_the_oracle_and_out_of_scope_is_404(portal, articles, persona):
    c = client_for(portal, persona)
    missing = Article.objects.order_by("-pk").first().pk + 1000
    violations = []
    for code, article in articles.items():
        for name in EDIT_PAGES | REVIEW_PAGES:
            action = "review" if name in REVIEW_PAGES else "edit"
            expected = 200 if oracle(persona, code, action) else 404
            status = c.get(reverse(name, args=[article.pk])).status_code
            if status != expected:
                violations.append((name, code, status))
    for name in EDIT_PAGES | REVIEW_PAGES:
        if c.get(reverse(name, args=[missing])).status_code != 404:
            violations.append((name, "missing"))
    assert violations == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_out_of_scope_posts_are_404_and_change_nothing(portal, articles, persona):
    c = client_for(portal, persona)
    for code, article in articles.items():
        before = Article.objects.values_list("state", "title").get(pk=article.pk)
        for name in ("portal:submit", "portal:publish", "portal:unpublish"):
            action = "review" if name != "portal:submit" else "edit"
            if oracle(persona, code, action):
                continue
            assert c.post(reverse(name, args=[article.pk]), {}).status_code == 404, (name, code)
        if not oracle(persona, code, "edit"):
            assert c.post(reverse("portal:edit", args=[article.pk]),
                          {"channel": article.channel_id, "title": "越权"}).status_code == 404
            assert Article.objects.values_list("state", "title").get(pk=article.pk) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_comment_moderation_answers_by_the_oracle(portal, persona):
    comments = {}
    for code in ("tianjin", "jiceng", "notice"):
        article = publish(portal, channel=code, title=f"{code} 文章")
        comments[code] = services.comment_post(article=article, body=f"{code} 评论", name="读者",
                                               ip=f"10.9.0.{len(comments)}")
    c = client_for(portal, persona)
    for code, comment in comments.items():
        allowed = oracle(persona, code, "review")
        response = c.post(reverse("portal:comment_approve", args=[comment.pk]))
        assert response.status_code == (302 if allowed else 404), code
        assert Comment.objects.get(pk=comment.pk).state == ("approved" if allowed else "pending")
        assert c.post(reverse("portal:comment_reject", args=[comment.pk])).status_code == (302 if allowed else 404)
    if anywhere(persona, "review"):
        services.comment_post(article=comments["jiceng"].article, body="新的", name="读者", ip="10.9.9.9")
        queued = {cm.article.channel.code for cm in c.get(reverse("portal:comment_queue")).context["page"]}
        assert queued == ({"jiceng"} if oracle(persona, "jiceng", "review") else set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_without_id_exist_only_for_users_with_a_grant(portal, articles, persona):
    c = client_for(portal, persona)
    for name, action in PAGES_WITHOUT_ID.items():
        assert c.get(reverse(name)).status_code == (200 if anywhere(persona, action) else 404), name


def test_anonymous_users_are_sent_to_login(portal, articles):
    for name in PAGES_WITHOUT_ID:
        response = Client().get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    for name in EDIT_PAGES | REVIEW_PAGES:
        assert Client().get(reverse(name, args=[articles["jiceng"].pk])).status_code == 302, name


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_create_form_offers_only_granted_channels(portal, articles, persona):
    if not anywhere(persona, "edit"):
        return
    form = client_for(portal, persona).get(reverse("portal:create")).context["form"]
    offered = {ch.code for ch in form.fields["channel"].queryset}
    assert offered == {code for code in ANCESTORS if oracle(persona, code, "edit")}


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_the_system_administrators_reach_no_editor_page(world, portal, persona):
    for name in PAGES_WITHOUT_ID:
        assert world.client(persona).get(reverse(name)).status_code == 404


# --- API ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_editor_list_and_steps_answer_by_the_oracle(portal, articles, persona):
    api = api_client(persona)
    listed = {item["id"] for item in api.get(reverse("api:news_editor_articles")).json()["items"]}
    assert listed == {a.pk for code, a in articles.items() if oracle(persona, code, "edit")}
    for code, article in articles.items():
        before = Article.objects.values_list("state").get(pk=article.pk)
        for name, payload, action in (("api:news_article_return", {"note": "x"}, "review"),
                                      ("api:news_article_unpublish", {}, "review"),
                                      ("api:news_article_publish", {}, "review"),
                                      ("api:news_article_submit", {}, "edit")):
            if oracle(persona, code, action):
                continue
            response = api.post(reverse(name, args=[article.pk]), payload, content_type="application/json")
            assert response.status_code == 404, (name, code)
        assert Article.objects.values_list("state").get(pk=article.pk) == before
        response = api.post(reverse("api:news_article_create"), {"channel": code, "title": "新稿"},
                            content_type="application/json")
        assert response.status_code == (201 if oracle(persona, code, "edit") else 404), code


def test_api_workflow_and_refusals_in_chinese(portal):
    editor, reviewer = api_client("news_editor"), api_client("news_reviewer")
    response = editor.post(reverse("api:news_editor_articles"), {"channel": "tianjin", "title": "接口稿件",
                                                                 "body": "<p onclick=x>正文</p>"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]
    assert Article.objects.get(pk=article_id).body == "<p>正文</p>"
    response = editor.post(reverse("api:news_editor_articles"), {"channel": "notice", "title": "越权"},
                           content_type="application/json")
    assert response.status_code == 404
    assert editor.post(reverse("api:news_article_submit", args=[article_id])).status_code == 200
    response = editor.post(reverse("api:news_article_submit", args=[article_id]))
    assert response.status_code == 422 and "不能提交审核" in response.json()["detail"]
    response = reviewer.post(reverse("api:news_article_publish", args=[article_id]), {},
                             content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "published"
    public = Client().get(reverse("api:news_article", args=[article_id])).json()
    assert public["title"] == "接口稿件" and public["channel"] == "tianjin"


def test_public_api_shows_only_live_articles(portal, articles):
    live = publish(portal, title="公开的两学一做文章")
    items = Client().get(reverse("api:news_articles")).json()["items"]
    assert [item["id"] for item in items] == [live.pk]
    assert Client().get(reverse("api:news_article", args=[articles["jiceng"].pk])).status_code == 404
    found = Client().get(reverse("api:news_articles"), {"q": "两学一做"}).json()["items"]
    assert [item["id"] for item in found] == [live.pk]
    channels = Client().get(reverse("api:news_channels")).json()
    assert [c["code"] for c in channels][:4] == ["zixun", "guonei", "gedi", "tianjin"]
    assert Client().get(reverse("api:news_articles"), {"channel": "nope"}).status_code == 404
