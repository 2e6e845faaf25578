"""`dangjian demo --scale city`: the small demo's channels, editors and articles (portal.demo),
then a year of 基层动态 articles from the districts — published on past days, indexed for search
(portal.search.index, as the publishing service does) — and their daily reads (ArticleView)."""

import random
from datetime import datetime, timedelta
from datetime import time as clock

from django.utils import timezone

from core.bulk import insert_many
from orgs.demo import DISTRICTS
from portal import demo, search
from portal.models import Article, ArticleState, ArticleView, Channel

ACTIVITIES = ("开展主题党日活动", "召开专题组织生活会", "举办党课报告会", "组织党员志愿服务", "走访慰问老党员",
              "开展党史学习教育", "举行新党员入党宣誓仪式", "召开支部党员大会")


def load(rng: random.Random, *, articles: int) -> int:
    demo.load(rng)
    today = timezone.localdate()
    channel = Channel.objects.get(code="jiceng")
    made = []
    for i in range(articles):
        district = DISTRICTS[i % len(DISTRICTS)][0]
        activity = rng.choice(ACTIVITIES)
        day = today - timedelta(days=rng.randrange(1, 365))
        made.append(Article(
            channel=channel, title=f"{district}第{i // len(DISTRICTS) + 1}社区党委{activity}", source=district,
            summary=f"近日，{district}基层党组织{activity}。",
            body=f"<p>近日，{district}基层党组织{activity}，党员积极参与。</p><p>活动进一步增强了党组织的凝聚力。</p>",
            state=ArticleState.PUBLISHED,
            publish_at=timezone.make_aware(datetime.combine(day, clock(rng.randrange(8, 18)))),
        ))
    Article.objects.bulk_create(made, batch_size=1000)
    reads = []
    for article in Article.objects.filter(channel=channel, source__in=[d for d, _ in DISTRICTS]):
        search.index(article)
        published = timezone.localtime(article.publish_at).date()
        for back in range(min(30, (today - published).days + 1)):
            reads.append({"article_id": article.pk, "day": published + timedelta(days=back),
                          "count": max(0, int(rng.expovariate(1 / 40) / (back + 1)))})
    insert_many(ArticleView, reads)
    return len(made)
