"""The demo portal loads quickly, with the seed article imported like any saved page."""

import random
import time

from django.test import Client

from core.context import acting_as
from portal import demo, search
from portal.models import Article, ArticleView, Comment, CommentState


def test_the_demo_portal_loads_fast_with_the_seed_article(db):
    started = time.monotonic()
    with acting_as(None, channel="cli"):
        demo.load(random.Random(2017))
    assert time.monotonic() - started < 20
    seed = Article.objects.live().get(source="人民网")
    assert seed.channel.slug_path == "zixun/guonei/gedi/tianjin" and seed.body.count("<h2>") == 5
    assert Article.objects.live().count() >= 15
    assert Comment.objects.filter(state=CommentState.PENDING).exists()
    assert Comment.objects.filter(state=CommentState.APPROVED).exists()
    assert ArticleView.objects.exists()
    assert {hit.article.pk for hit in search.search("三会一课")} >= {seed.pk}
    assert Client().get(seed.get_absolute_url()).status_code == 200
    assert Client().get("/news/").status_code == 200


def test_the_demo_portal_has_pictures_for_its_featured_articles_and_dates_notices_in_their_windows(db):
    from django.utils import timezone
    from PIL import Image

    from core import files
    from portal import selectors

    with acting_as(None, channel="cli"):
        demo.load(random.Random(2017))
    # 推荐图文: pictures drawn at demo time, decodable, served.
    featured = selectors.featured_with_images()
    assert len(featured) >= 3
    for article in featured:
        with Image.open(files.path_of(article.lead_image.stored_name)) as picture:
            assert picture.size == (800, 500)
        assert Client().get(article.lead_image.thumb_url()).status_code == 200
    assert "推荐图文" in Client().get("/news/").content.decode()
    # 公示: each notice dated within its own window.
    notices = Article.objects.live().filter(starts_on__isnull=False)
    assert notices.count() >= 2
    for notice in notices:
        assert notice.starts_on <= timezone.localdate(notice.publish_at) <= notice.ends_on
