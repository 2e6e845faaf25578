"""The news portal (资讯): channels in a tree, articles with an editorial workflow, comments with
moderation, images with thumbnails, per-day view counts and the search index."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.access import SELF, ScopedQuerySetMixin, get_scope, subtrees_q
from core.models import BaseModel


class ChannelKind(models.TextChoices):
    NEWS = "news", "资讯"
    NOTICE = "notice", "通知公告"
    DISCLOSURE = "disclosure", "党务公开"


class ChannelRole(models.TextChoices):
    EDITOR = "editor", "编辑"
    REVIEWER = "reviewer", "审核"


# Top-level path segments the portal's own pages use: no channel may take them as its slug.
RESERVED_SLUGS = frozenset({"a", "search", "rss", "editor", "media", "api", "static"})


# What each channel grant lets its holder do on the channel's subtree: "portal.edit" (drafts,
# images, submit) and "portal.review" (publish, return, unpublish, moderate comments). Reviewers
# may also edit. Channel grants are a grant tree like the org tree's (core.access.TreeGrants),
# registered as "channel" by the app config and read through the user's scope.
CHANNEL_PERMISSIONS: dict[str, frozenset[str]] = {
    ChannelRole.EDITOR: frozenset({"portal.edit"}),
    ChannelRole.REVIEWER: frozenset({"portal.edit", "portal.review"}),
}


def channel_grants(user_id: int) -> list[tuple[str, str]]:
    """The (role, channel path) pairs a user holds: the "channel" tree's loader."""
    return list(ChannelGrant.objects.filter(user_id=user_id).values_list("role", "channel__path"))


def channel_roles(user) -> list[tuple[str, str]]:
    """The user's channel grants as (role, channel name), in channel order, from the grants their
    scope holds (read once per request); the names cost a query only for those who hold any."""
    held = get_scope(user).tree("channel").held
    if not held:
        return []
    names = dict(Channel.objects.filter(path__in={path for _role, path in held}).values_list("path", "name"))
    return [(role, names.get(path, "")) for role, path in sorted(held, key=lambda grant: (grant[1], grant[0]))]


def channel_role_labels(user) -> list[str]:
    """"资讯编辑@天津" for each grant: what the menu and the home page say the user is."""
    return [f"资讯{ChannelRole(role).label}@{name}" for role, name in channel_roles(user)]


class ChannelQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    pass


class ChannelManager(MP_NodeManager):
    def get_queryset(self):
        return ChannelQuerySet(self.model).order_by("path")

    def visible_to(self, user, action="view", *, tree_order=True):
        return self.get_queryset().visible_to(user, action, tree_order=tree_order)

    def granting(self, user, perm):
        return self.get_queryset().granting(user, perm)


class Channel(MP_Node, BaseModel):
    """A channel (栏目) of the portal: 资讯 » 国内 » 全国各地资讯 » 天津, or 通知公告, 党务公开.
    ``slug_path`` (slugs of the ancestors and itself joined by "/") is its readable URL."""

    steplen = 4

    name = models.CharField("名称", max_length=50)
    code = models.SlugField("代码", max_length=40, unique=True,
                            help_text="其他模块发布通知时引用的代码")
    slug = models.SlugField("网址名", max_length=40)
    slug_path = models.CharField("网址路径", max_length=255, unique=True, editable=False)
    kind = models.CharField("类别", max_length=12, choices=ChannelKind, default=ChannelKind.NEWS)
    description = models.CharField("说明", max_length=200, blank=True)
    disclaimer = models.TextField("免责声明", blank=True,
                                  help_text="留空则使用上级栏目或平台的免责声明")

    objects = ChannelManager()

    scope_tree = "channel"
    scope_org = SELF
    scope_perm_prefix = "portal"

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:channel", args=[self.slug_path])

    def crumbs(self) -> list["Channel"]:
        """The channel and its ancestors, from the top (one query)."""
        paths = [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]
        return list(Channel.objects.filter(path__in=paths).order_by("path"))

    def effective_disclaimer(self) -> str:
        for channel in reversed(self.crumbs()):
            if channel.disclaimer:
                return channel.disclaimer
        return settings.PORTAL_DISCLAIMER


class ChannelGrant(BaseModel):
    """A user's role (editor or reviewer) on a channel and all channels below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="channel_grants", verbose_name="用户")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="grants",
                                verbose_name="栏目")
    role = models.CharField("角色", max_length=10, choices=ChannelRole)

    class Meta:
        verbose_name = "栏目授权"
        verbose_name_plural = "栏目授权"
        constraints = [models.UniqueConstraint(fields=["user", "channel", "role"],
                                               name="channel_grant_unique")]

    scope_custom = "a user's own grants (the security admin's page lists all, as accounts.manage allows)"

    def __str__(self):
        return f"{self.user} {self.get_role_display()}@{self.channel}"

    @classmethod
    def scope_filter(cls, scope, action):
        return Q(user_id=scope.user_id)


class ArticleState(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已发布"
    UNPUBLISHED = "unpublished", "已撤下"


class ArticleQuerySet(ScopedQuerySetMixin, models.QuerySet):
    def live(self, now=None):
        """What the public sees: published, its time come (scheduled publishing is this
        condition, no job runs), and for notices not before their start date."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today),
                           state=ArticleState.PUBLISHED, publish_at__lte=now)

    def listed(self, now=None):
        """Live, and notices and disclosures only until their end date."""
        today = timezone.localdate(now or timezone.now())
        return self.live(now).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))

    def in_channel(self, channel: Channel):
        return self.filter(subtrees_q("channel__path", [channel.path]))


class Article(BaseModel):
    """One article (文章) of a channel: title, source, 核心提示 summary and a sanitized HTML body.
    Written only through ``portal.services`` (the body is sanitized there)."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="articles",
                                verbose_name="栏目")
    title = models.CharField("标题", max_length=200)
    slug = models.SlugField("网址名", max_length=80, blank=True, allow_unicode=False)
    source = models.CharField("来源", max_length=100, blank=True)
    source_url = models.URLField("原文地址", max_length=500, blank=True)
    author = models.CharField("作者", max_length=50, blank=True)
    # 责任编辑: who answers for the article's publication, shown under it as news pages do.
    editor_name = models.CharField("责任编辑", max_length=50, blank=True)
    summary = models.TextField("核心提示", max_length=1000, blank=True)
    body = models.TextField("正文", blank=True)
    state = models.CharField("状态", max_length=12, choices=ArticleState, default=ArticleState.DRAFT)
    publish_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True,
                                      help_text="晚于当前时间即为定时发布")
    featured = models.BooleanField("推荐", default=False)
    lead_image = models.ForeignKey("ArticleImage", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="题图")
    starts_on = models.DateField("公示开始日期", null=True, blank=True)
    ends_on = models.DateField("公示截止日期", null=True, blank=True)
    external_key = models.CharField("外部标识", max_length=100, null=True, blank=True, unique=True,
                                    help_text="其他模块或导入的来源标识，重复发布时据此更新")
    review_note = models.CharField("退回意见", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="创建人")

    objects = ArticleQuerySet.as_manager()

    scope_tree = "channel"
    scope_org = "channel"
    scope_perm_prefix = "portal"

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = "文章"
        verbose_name_plural = "文章"
        indexes = [models.Index(fields=["state", "publish_at"]),
                   models.Index(fields=["channel", "state", "publish_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
                                   | Q(ends_on__gte=models.F("starts_on")),
                                   name="article_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug:
            return reverse("portal:article_slug", args=[self.pk, self.slug])
        return reverse("portal:article", args=[self.pk])

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.state == ArticleState.PUBLISHED and self.publish_at is not None
                and self.publish_at <= now
                and (self.starts_on is None or self.starts_on <= timezone.localdate(now)))

    def is_scheduled(self) -> bool:
        return (self.state == ArticleState.PUBLISHED and self.publish_at is not None
                and self.publish_at > timezone.now())

    def is_expired(self, today: date | None = None) -> bool:
        return self.ends_on is not None and self.ends_on < (today or timezone.localdate())

    def display_state(self) -> str:
        if self.is_scheduled():
            return f"定时发布（{timezone.localtime(self.publish_at):%Y-%m-%d %H:%M}）"
        return self.get_state_display()


class ArticleImage(BaseModel):
    """An uploaded picture: re-encoded by Pillow (metadata dropped), stored by ``core.files``
    outside the web root, with a thumbnail for the 推荐图文 list."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images",
                                verbose_name="文章")
    stored_name = models.CharField(max_length=64)
    thumb_name = models.CharField(max_length=64)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt = models.CharField("图片说明", max_length=100, blank=True)

    scope_tree = "channel"
    scope_org = "article__channel"
    scope_perm_prefix = "portal"

    class Meta:
        verbose_name = "文章图片"
        verbose_name_plural = "文章图片"

    def __str__(self):
        return self.alt or f"图片 {self.pk}"

    def get_absolute_url(self):
        return reverse("portal:image", args=[self.pk])

    def thumb_url(self):
        return reverse("portal:thumb", args=[self.pk])


class ArticleView(models.Model):
    """Reads of an article on one day (点击排行). A reader's reloads are not counted again: the
    page keeps the ids read today in a signed cookie, so nothing about the reader is stored."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "阅读数"
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="article_view_day")]
        indexes = [models.Index(fields=["day", "article"])]

    def __str__(self):
        return f"{self.article_id} {self.day} {self.count}"


class CommentState(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"


class Comment(BaseModel):
    """A reader's comment: plain text, shown after a reviewer of the channel approves it.
    ``source_hash`` is a keyed hash of the address (never the address itself), to see floods."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments",
                                verbose_name="文章")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name="用户")
    name = models.CharField("署名", max_length=30)
    body = models.TextField("内容", max_length=1000)
    state = models.CharField("状态", max_length=10, choices=CommentState, default=CommentState.PENDING)
    source_hash = models.CharField(max_length=64, blank=True, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    # Comments on articles of the channels the user reviews (the moderation queue: "review").
    scope_tree = "channel"
    scope_org = "article__channel"
    scope_perm_prefix = "portal"

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "评论"
        verbose_name_plural = "评论"
        indexes = [models.Index(fields=["article", "state", "created"]),
                   models.Index(fields=["state", "created"])]

    def __str__(self):
        return f"{self.name}: {self.body[:20]}"

    audit_masked_fields = {"source_hash": ""}


class SearchDocument(models.Model):
    """The segmented text of a published article (jieba words and CJK bigrams, space-joined).
    PostgreSQL indexes it as a ``simple`` tsvector (a generated column with a GIN index);
    SQLite copies it into the FTS5 table ``portal_search_fts``. Kept by ``portal.search``."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True,
                                   related_name="search_document")
    title_tokens = models.TextField()
    body_tokens = models.TextField()

    class Meta:
        verbose_name = "检索文本"

    def __str__(self):
        return str(self.article_id)
