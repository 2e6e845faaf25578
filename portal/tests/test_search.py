"""Chinese full-text search (run on SQLite and, with DATABASE_URL, on PostgreSQL): two-character
words, domain words kept whole, title phrases, highlighting, a helpful empty page, and queries
full of the engines' own syntax that never error."""

import pytest
from django.urls import reverse

from portal import search, services
from portal.tests.helpers import import_seed, publish


@pytest.fixture
def articles(portal):
    return {
        "seed": import_seed(portal),
        "sanhui": publish(portal, title="支部认真落实组织生活制度",
                          body="<p>每月召开支部委员会，坚持三会一课，记录完整。</p>"),
        "split": publish(portal, title="三会的安排与一课的准备",
                         body="<p>本文分别谈三会和一课，但不提那个词。</p>"),
        "liangxue": publish(portal, title="学习教育常态化", body="<p>推进两学一做学习教育。</p>"),
        "dangyuan": publish(portal, title="队伍建设", body="<p>加强党员队伍建设，提高质量。</p>"),
        "other": publish(portal, title="社区志愿服务", body="<p>居民参与环境整治。</p>"),
    }


def found(query) -> set[int]:
    return {hit.article.pk for hit in search.search(query)}


def test_two_character_words_are_found_even_inside_longer_words(articles):
    assert articles["dangyuan"].pk in found("党员")  # jieba keeps 党员队伍 as one word
    assert articles["seed"].pk in found("党员")
    assert articles["seed"].pk in found("党建")
    assert articles["other"].pk not in found("党员") | found("党建")


def test_domain_words_stay_whole(articles):
    assert found("三会一课") == {articles["sanhui"].pk, articles["seed"].pk}
    assert articles["split"].pk not in found("三会一课")
    assert found("两学一做") == {articles["liangxue"].pk, articles["seed"].pk}


def test_a_title_phrase_finds_its_article_first(articles):
    hits = search.search("推进基层党建全面进步全面过硬")
    assert hits[0].article.pk == articles["seed"].pk
    assert search.search("社区志愿服务")[0].article.pk == articles["other"].pk


def test_several_words_must_all_match(articles):
    assert found("党员 质量") == {articles["dangyuan"].pk, articles["seed"].pk}
    assert found("党员 环境整治") == set()


def test_matches_are_highlighted_in_title_and_snippet(articles):
    hit = next(h for h in search.search("三会一课") if h.article.pk == articles["sanhui"].pk)
    assert "<mark>三会一课</mark>" in hit.snippet_html
    hit = search.search("志愿服务")[0]
    assert "<mark>志愿服务</mark>" in hit.title_html


def test_drafts_unpublished_and_scheduled_articles_are_not_found(portal, articles):
    draft = services.article_create(actor=portal.users["news_editor"], channel=portal.channels["jiceng"],
                                    title="草稿里的三会一课", body="<p>三会一课</p>")
    services.article_unpublish(actor=portal.users["news_reviewer"], article=articles["sanhui"])
    from datetime import timedelta

    from django.utils import timezone
    later = services.article_create(actor=portal.users["news_reviewer"], channel=portal.channels["jiceng"],
                                    title="明天的三会一课", body="<p>x</p>")
    services.article_publish(actor=portal.users["news_reviewer"], article=later,
                             publish_at=timezone.now() + timedelta(days=1))
    assert found("三会一课") == {articles["seed"].pk}
    assert draft.pk not in found("草稿")


def test_an_update_of_a_published_article_is_searchable_at_once(portal, articles):
    services.article_update(actor=portal.users["news_reviewer"], article=articles["other"],
                            body="<p>主题党日走进社区</p>")
    assert articles["other"].pk in found("主题党日")
    assert articles["other"].pk not in found("环境整治")


@pytest.mark.parametrize("query", [
    '"', '""', '"党建', "*", "党*", "NEAR(党建 党员)", "党建 NEAR/2 党员", "-党建", "党建 -党员", ":", "title:党建",
    "^党建", "(党建", "党建)", "AND", "OR 党建", "NOT", "党建 AND", "'", "\\", "%", "_", "&", "|", "!", "<->",
    "党建:*", "党建 & 党员", "a" * 500, "\x00党建", "'; DROP TABLE portal_article; --", "{title}: x",
    "𠀀𠀁", "🚩党建", "\u202e党建", "SELECT * FROM", "党建' OR '1'='1",
])
def test_malformed_queries_never_error(articles, client, query):
    search.search(query)
    response = client.get(reverse("portal:search"), {"q": query})
    assert response.status_code == 200


def test_a_syntax_laden_query_still_finds_its_words(articles):
    assert articles["seed"].pk in found('"党建" (党员*) -')


def test_the_search_page_lists_hits_with_marks(articles, client):
    body = client.get(reverse("portal:search"), {"q": "两学一做"}).content.decode()
    assert "<mark>两学一做</mark>" in body
    assert articles["liangxue"].get_absolute_url() in body


def test_no_match_gives_a_helpful_page(articles, client):
    body = client.get(reverse("portal:search"), {"q": "不存在的词语组合"}).content.decode()
    assert "没有找到与“不存在的词语组合”相关的文章" in body
    assert "试试这些词" in body and "?q=%E4%B8%89%E4%BC%9A%E4%B8%80%E8%AF%BE" in body  # 三会一课
    assert "浏览栏目" in body and "/news/zixun/" in body


def test_an_empty_query_shows_the_form_and_suggestions(articles, client):
    body = client.get(reverse("portal:search")).content.decode()
    assert 'name="q"' in body and "试试这些词" in body and "没有找到" not in body
