"""Reads for the portal's public pages (what anyone may see: live articles, approved comments)
and for the editor pages (through ``visible_to``: the channels the user is granted)."""

from collections import Counter
from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.errors import NotFound
from portal import search
from portal.models import Article, Channel, ChannelKind, Comment, CommentState

PERIODS = {"day": ("日", 0), "week": ("周", 6), "all": ("总", None)}


def top_channels():
    return list(Channel.objects.filter(depth=1))


def channel_by_path(slug_path: str) -> Channel:
    channel = Channel.objects.filter(slug_path=slug_path.strip("/")).first()
    if channel is None:
        raise NotFound
    return channel


def children(channel: Channel):
    return list(Channel.objects.get_children(channel))


def listed(channel: Channel | None = None):
    """Live articles a list shows (notices and disclosures until their end date), newest first."""
    queryset = Article.objects.listed().select_related("channel", "lead_image")
    return queryset.in_channel(channel) if channel is not None else queryset


def public_article(pk: int) -> Article:
    """A live article (published, its time come) by id; any other is not found, drafts included."""
    article = Article.objects.live().select_related("channel", "lead_image").filter(pk=pk).first()
    if article is None:
        raise NotFound
    return article


def featured_with_images(limit: int = 4):
    """推荐图文: featured articles with a picture."""
    return list(listed().filter(featured=True, lead_image__isnull=False)[:limit])


def featured(limit: int = 8):
    """推荐资讯."""
    return list(Article.objects.listed().filter(featured=True, channel__kind=ChannelKind.NEWS)
                .only("pk", "title", "slug", "publish_at")[:limit])


def notices(limit: int = 6):
    return list(Article.objects.listed().filter(channel__kind__in=(ChannelKind.NOTICE, ChannelKind.DISCLOSURE))
                .only("pk", "title", "slug", "publish_at", "ends_on")[:limit])


def most_read(period: str = "day", limit: int = 10):
    """点击排行: reads summed over the period's days (one indexed range on (day, article))."""
    days = PERIODS.get(period, PERIODS["day"])[1]
    condition = Q()
    if days is not None:
        condition = Q(views__day__gte=timezone.localdate() - timedelta(days=days))
    return list(Article.objects.listed().filter(condition).annotate(reads=Sum("views__count", filter=condition))
                .filter(reads__gt=0).order_by("-reads", "-publish_at")
                .only("pk", "title", "slug", "publish_at")[:limit])


def approved_comments(article: Article):
    return Comment.objects.filter(article=article, state=CommentState.APPROVED).order_by("-created")


def comment_count(article: Article) -> int:
    return approved_comments(article).count()


def editable_articles(user):
    return (Article.objects.visible_to(user, "edit").select_related("channel")
            .annotate(pending=Count("comments", filter=Q(comments__state=CommentState.PENDING))))


def pending_comments(user):
    return (Comment.objects.visible_to(user, "review").filter(state=CommentState.PENDING)
            .select_related("article", "article__channel").order_by("created"))


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """上一篇 and 下一篇: the live articles of the same channel published just before and just
    after this one."""
    live = Article.objects.live().filter(channel_id=article.channel_id).only("pk", "title", "slug", "publish_at")
    at, pk = article.publish_at, article.pk
    before = (live.filter(Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk)).order_by("-publish_at", "-pk").first())
    after = (live.filter(Q(publish_at__gt=at) | Q(publish_at=at, pk__gt=pk)).order_by("publish_at", "pk").first())
    return before, after


def related(article: Article, limit: int = 5) -> list[Article]:
    """相关新闻: live articles of the same kind of channel (news beside news, notices beside
    notices) that share words of the title through the search index — the same channel first,
    then more shared words; the channel's latest fill the rest. The title's longest words are
    its most telling (三会一课 before 社区)."""

    keywords = sorted((w for w in dict.fromkeys(search.words(article.title)) if len(w) >= 2), key=len,
                      reverse=True)[:4]
    shared: Counter = Counter()
    for word in keywords:  # one engine query a word; the live ones are picked below, at once
        shared.update(search.indexed_ids(word, limit=20))
    shared.pop(article.pk, None)
    fields = ("pk", "title", "slug", "publish_at", "channel_id")
    candidates = Article.objects.live().filter(pk__in=list(shared), channel__kind=article.channel.kind)
    found = sorted(candidates.only(*fields),
                   key=lambda a: (a.channel_id != article.channel_id, -shared[a.pk], -a.publish_at.timestamp()))
    found = found[:limit]
    if len(found) < limit:
        found += list(Article.objects.listed().in_channel(article.channel)
                      .exclude(pk__in=[article.pk, *[a.pk for a in found]]).only(*fields)[:limit - len(found)])
    return found
