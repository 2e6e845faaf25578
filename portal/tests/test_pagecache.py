"""The public pages anonymous readers share (portal.pagecache): one rendering serves them all
until a service changes what readers see; signed-in users, forms and read counts stay their own."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal import services
from portal.models import ArticleView, Comment
from portal.tests.helpers import publish

pytestmark = pytest.mark.django_db


def test_a_second_anonymous_reader_of_the_home_page_costs_no_query(portal, django_assert_num_queries):
    publish(portal, title="第一篇")
    Client().get("/news/")
    with django_assert_num_queries(0):
        body = Client().get("/news/").content.decode()
    assert "第一篇" in body


@pytest.mark.parametrize("channel", [None, "jiceng"])
def test_publishing_editing_and_withdrawing_show_on_the_next_anonymous_page(portal, client, channel):
    url = portal.channels[channel].get_absolute_url() if channel else "/news/"
    reviewer = portal.users["news_reviewer"]
    first = publish(portal, title="第一篇")
    assert "第一篇" in client.get(url).content.decode()
    second = publish(portal, title="第二篇")
    assert "第二篇" in client.get(url).content.decode()
    services.article_update(actor=reviewer, article=first, title="第一篇（修订）")
    assert "第一篇（修订）" in client.get(url).content.decode()
    services.article_unpublish(actor=reviewer, article=second, reason="过时")
    assert "第二篇" not in client.get(url).content.decode()


def test_an_approved_comment_shows_on_the_shared_article_page(portal, client):
    article = publish(portal)
    client.post(reverse("portal:comments", args=[article.pk]), {"name": "读者", "body": "写得好"})
    assert "写得好" not in Client().get(article.get_absolute_url()).content.decode()
    services.comment_approve(actor=portal.users["news_reviewer"], comment=Comment.objects.get())
    assert "写得好" in Client().get(article.get_absolute_url()).content.decode()


def test_a_signed_in_reader_gets_their_own_page_not_the_shared_copy(portal, client):
    publish(portal)
    assert "登录</a>" in client.get("/news/").content.decode()
    signed_in = portal.client("member").get("/news/").content.decode()
    assert "工作台</a>" in signed_in and "登录</a>" not in signed_in


def _token(body: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)


def test_each_anonymous_reader_comments_with_their_own_token_from_the_shared_page(portal):
    article = publish(portal)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = _token(first.get(article.get_absolute_url()).content.decode())
    second_token = _token(second.get(article.get_absolute_url()).content.decode())
    assert second_token != first_token
    response = second.post(reverse("portal:comments", args=[article.pk]),
                           {"name": "读者乙", "body": "同感", "csrfmiddlewaretoken": second_token})
    assert response.status_code == 302 and Comment.objects.get().name == "读者乙"


def test_reads_are_counted_even_when_the_page_is_the_shared_copy(portal):
    article = publish(portal)
    for _ in range(3):
        Client().get(article.get_absolute_url())
    assert ArticleView.objects.get(article=article).count == 3
