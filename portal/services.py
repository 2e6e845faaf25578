"""Portal workflows (draft → review → published → unpublished), comments and their moderation,
images, notices published by other modules, and the importer's write. Each is one transaction
with an audit event; the search index follows the article inside the same transaction.

Editors act on the channels (subtrees) they are granted; anything else is 404."""

import io
import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError
from pypinyin import lazy_pinyin

from core import audit, files, throttle
from core.access import ADMIN_ROLES, clear_scope_cache, get_scope
from core.errors import NotFound
from portal import pagecache, search
from portal.models import (
    RESERVED_SLUGS,
    Article,
    ArticleImage,
    ArticleState,
    ArticleView,
    Channel,
    ChannelGrant,
    ChannelRole,
    Comment,
    CommentState,
)
from portal.sanitize import clean_html, clean_text, paragraphs_html

EDITABLE_BY_EDITORS = (ArticleState.DRAFT,)
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
THUMB_SIZE = (360, 240)


def may(actor, channel: Channel, action: str) -> bool:
    return get_scope(actor).tree("channel").covers(channel.path, f"portal.{action}")


def _require(actor, channel: Channel, action: str) -> None:
    """Out of the actor's channels is 404: they may not know the channel's drafts exist."""
    if not may(actor, channel, action):
        raise NotFound


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().select_related("channel").get(pk=article.pk)


def make_slug(title: str) -> str:
    """A readable ASCII slug from the title's pinyin, at most 60 characters."""
    syllables = [s for s in (re.sub(r"[^a-z0-9]", "", p.lower()) for p in lazy_pinyin(title)) if s]
    slug = ""
    for syllable in syllables:
        if len(slug) + len(syllable) + 1 > 60:
            break
        slug = f"{slug}-{syllable}" if slug else syllable
    return slug


def _clean_fields(data: dict) -> dict:
    """Titles and the other short fields are plain text; the body is allow-list HTML."""
    cleaned = dict(data)
    limits = {"title": 200, "source": 100, "author": 50, "editor_name": 50}
    for name, limit in limits.items():
        if name in cleaned:
            cleaned[name] = clean_text(cleaned[name], max_length=limit)
    if "summary" in cleaned:
        cleaned["summary"] = clean_text(cleaned["summary"], max_length=1000, multiline=True)
    if "body" in cleaned:
        cleaned["body"] = clean_html(cleaned["body"])
    if "title" in cleaned and not cleaned["title"]:
        raise ValidationError({"title": "请填写标题"})
    if "source_url" in cleaned and cleaned["source_url"] and not re.match(r"^https?://", cleaned["source_url"]):
        raise ValidationError({"source_url": "原文地址须以 http:// 或 https:// 开头"})
    starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": "截止日期不能早于开始日期"})
    return cleaned


FIELDS = ("title", "source", "source_url", "author", "editor_name", "summary", "body", "featured",
          "starts_on", "ends_on")


@transaction.atomic
def article_create(*, actor, channel: Channel, title: str, **fields) -> Article:
    """A new draft in a channel the actor may edit."""
    _require(actor, channel, "edit")
    data = _clean_fields({"title": title, **{k: v for k, v in fields.items() if k in FIELDS}})
    # The responsible editor is the writer unless named otherwise.
    data["editor_name"] = data.get("editor_name") or clean_text(getattr(actor, "full_name", "") or "", max_length=50)
    article = Article(channel=channel, created_by=actor, state=ArticleState.DRAFT, **data)
    article.slug = make_slug(article.title)
    article.save()
    audit.record("portal.article_create", obj=article, user=actor,
                 changes={"channel": channel.code, "title": article.title})
    return article


@transaction.atomic
def article_update(*, actor, article: Article, channel: Channel | None = None, **fields) -> Article:
    """Edit an article. Editors edit drafts; reviewers any article of their channels (a published
    one is re-indexed at once)."""
    article = _locked(article)
    _require(actor, article.channel, "edit")
    if article.state not in EDITABLE_BY_EDITORS and not may(actor, article.channel, "review"):
        raise ValidationError(f"文章{article.get_state_display()}，只有审核人可以修改")
    if channel is not None and channel.pk != article.channel_id:
        _require(actor, channel, "edit")
        article.channel = channel
    before = article.audit_snapshot()
    for name, value in _clean_fields({k: v for k, v in fields.items() if k in FIELDS}).items():
        setattr(article, name, value)
    article.save()
    if article.state == ArticleState.PUBLISHED:
        search.index(article)
        pagecache.public_changed()
    audit.record("portal.article_update", obj=article, user=actor,
                 changes=audit.diff(before, article.audit_snapshot()))
    return article


@transaction.atomic
def article_submit(*, actor, article: Article) -> Article:
    """An editor hands a draft to the channel's reviewers."""
    article = _locked(article)
    _require(actor, article.channel, "edit")
    if article.state != ArticleState.DRAFT:
        raise ValidationError(f"文章{article.get_state_display()}，不能提交审核")
    article.state, article.review_note = ArticleState.REVIEW, ""
    article.save(update_fields=["state", "review_note", "updated"])
    audit.record("portal.article_submit", obj=article, user=actor,
                 changes={"state": [ArticleState.DRAFT, ArticleState.REVIEW]})
    return article


@transaction.atomic
def article_publish(*, actor, article: Article, publish_at: datetime | None = None) -> Article:
    """A reviewer publishes, now or at ``publish_at`` (scheduled: the article is live once the
    time has come, by the query condition in ``ArticleQuerySet.live``)."""
    article = _locked(article)
    _require(actor, article.channel, "review")
    if article.state == ArticleState.PUBLISHED:
        raise ValidationError("文章已发布")
    before = article.state
    article.state = ArticleState.PUBLISHED
    article.publish_at = publish_at or timezone.now()
    article.review_note = ""
    article.save(update_fields=["state", "publish_at", "review_note", "updated"])
    search.index(article)
    pagecache.public_changed()
    audit.record("portal.article_publish", obj=article, user=actor,
                 changes={"state": [before, ArticleState.PUBLISHED],
                          "publish_at": article.publish_at.isoformat()})
    return article


@transaction.atomic
def article_return(*, actor, article: Article, note: str) -> Article:
    """A reviewer sends an article under review back to its editors, with the reason."""
    article = _locked(article)
    _require(actor, article.channel, "review")
    note = clean_text(note, max_length=200)
    if not note:
        raise ValidationError({"note": "请填写退回意见"})
    if article.state != ArticleState.REVIEW:
        raise ValidationError(f"文章{article.get_state_display()}，不能退回")
    article.state, article.review_note = ArticleState.DRAFT, note
    article.save(update_fields=["state", "review_note", "updated"])
    audit.record("portal.article_return", obj=article, user=actor,
                 changes={"state": [ArticleState.REVIEW, ArticleState.DRAFT], "note": note})
    return article


@transaction.atomic
def article_unpublish(*, actor, article: Article, reason: str = "") -> Article:
    """A reviewer takes a published (or scheduled) article off the site and out of search."""
    article = _locked(article)
    _require(actor, article.channel, "review")
    if article.state != ArticleState.PUBLISHED:
        raise ValidationError(f"文章{article.get_state_display()}，不能撤下")
    article.state = ArticleState.UNPUBLISHED
    article.save(update_fields=["state", "updated"])
    search.unindex(article)
    pagecache.public_changed()
    audit.record("portal.article_unpublish", obj=article, user=actor,
                 changes={"state": [ArticleState.PUBLISHED, ArticleState.UNPUBLISHED],
                          "reason": clean_text(reason, max_length=200)})
    return article


# --- images --------------------------------------------------------------------------------------

def _reencode(image, fmt: str, size=None) -> io.BytesIO:
    """A fresh file from the pixels only: EXIF (GPS positions, camera serials) and any trailing
    bytes of the upload are left behind."""
    picture = image.copy()
    if size:
        picture.thumbnail(size, Image.Resampling.LANCZOS)
    if fmt == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    out = io.BytesIO()
    picture.save(out, format=fmt, **({"quality": 85} if fmt == "JPEG" else {"optimize": True}))
    out.seek(0)
    return out


def _open_image(upload):
    head = upload.read(16)
    upload.seek(0)
    if files.sniff(head) not in ("png", "jpeg"):
        raise ValidationError({"image": "只接受 PNG 或 JPEG 图片（按文件内容判断）"})
    if getattr(upload, "size", 0) and upload.size > IMAGE_MAX_BYTES:
        raise ValidationError({"image": "图片过大：最大 5 MB"})
    try:
        image = Image.open(upload)
        if image.width * image.height > IMAGE_MAX_PIXELS:
            raise ValidationError({"image": "图片像素过多"})
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError({"image": "图片无法读取"}) from exc
    return ImageOps.exif_transpose(image), "PNG" if image.format == "PNG" else "JPEG"


@transaction.atomic
def image_add(*, actor, article: Article, upload, alt: str = "", lead: bool = False) -> ArticleImage:
    """Store a picture and its thumbnail for an article; ``lead`` makes it the 推荐图文 picture."""
    article = _locked(article)
    _require(actor, article.channel, "edit")
    image, fmt = _open_image(upload)
    allowed = {"png", "jpeg"}
    stored = files.store(_reencode(image, fmt), allowed=allowed, max_bytes=IMAGE_MAX_BYTES * 2)
    thumb = files.store(_reencode(image, fmt, THUMB_SIZE), allowed=allowed, max_bytes=IMAGE_MAX_BYTES)
    picture = ArticleImage.objects.create(
        article=article, stored_name=stored.stored_name, thumb_name=thumb.stored_name,
        content_type=stored.content_type, width=image.width, height=image.height,
        alt=clean_text(alt, max_length=100))
    if lead or article.lead_image_id is None:
        article.lead_image = picture
        article.save(update_fields=["lead_image", "updated"])
    if article.state == ArticleState.PUBLISHED:
        pagecache.public_changed()
    audit.record("portal.image_add", obj=article, user=actor,
                 changes={"image": picture.pk, "size": stored.size})
    return picture


# --- comments --------------------------------------------------------------------------------------

def _throttle(keys: list[str]) -> None:
    """At most N comments per window per address and per user (settings.PORTAL_COMMENT_LIMITS)."""
    if throttle.exceeded("portal:comment", keys, settings.PORTAL_COMMENT_LIMITS):
        raise ValidationError("评论过于频繁，请稍后再试")


@transaction.atomic
def comment_post(*, article: Article, body: str, name: str = "", user=None, ip: str = "") -> Comment:
    """A reader comments on a live article, logged in or with a name. Every comment waits in the
    moderation queue; plain text only (shown escaped, newlines kept)."""
    if not article.is_live():
        raise NotFound
    body = clean_text(body, max_length=1000, multiline=True)
    logged_in = user is not None and user.is_authenticated
    name = clean_text(name, max_length=30) or (str(user)[:30] if logged_in else "")
    errors = {}
    if not body:
        errors["body"] = "请填写评论内容"
    if not name:
        errors["name"] = "请填写署名"
    if errors:
        raise ValidationError(errors)
    digest = throttle.source_hash(ip)
    _throttle([f"ip:{digest}"] + ([f"user:{user.pk}"] if logged_in else []))
    since = timezone.now() - timedelta(days=1)
    same = Comment.objects.filter(article=article, body=body, created__gte=since)
    same = same.filter(user=user) if logged_in else same.filter(source_hash=digest)
    if same.exists():
        raise ValidationError({"body": "请勿重复提交相同的评论"})
    comment = Comment.objects.create(article=article, user=user if logged_in else None, name=name,
                                     body=body, source_hash=digest)
    audit.record("portal.comment_post", obj=comment, user=user if logged_in else None,
                 changes={"article": article.pk})
    return comment


def _decide(actor, comment: Comment, state: str, action: str) -> Comment:
    comment = Comment.objects.select_for_update().select_related("article__channel").get(pk=comment.pk)
    _require(actor, comment.article.channel, "review")
    if comment.state == state:
        return comment
    before = comment.state
    comment.state, comment.decided_by, comment.decided_at = state, actor, timezone.now()
    comment.save(update_fields=["state", "decided_by", "decided_at", "updated"])
    pagecache.public_changed()
    audit.record(action, obj=comment, user=actor, changes={"state": [before, state]})
    return comment


@transaction.atomic
def comment_approve(*, actor, comment: Comment) -> Comment:
    return _decide(actor, comment, CommentState.APPROVED, "portal.comment_approve")


@transaction.atomic
def comment_reject(*, actor, comment: Comment) -> Comment:
    return _decide(actor, comment, CommentState.REJECTED, "portal.comment_reject")


# --- reads counted ---------------------------------------------------------------------------------

def view_record(article: Article, day: date | None = None) -> None:
    """One more read of the article today (the caller has checked it is not a reload)."""
    day = day or timezone.localdate()
    with transaction.atomic():
        updated = ArticleView.objects.filter(article=article, day=day).update(count=F("count") + 1)
        if not updated:
            row, created = ArticleView.objects.get_or_create(article=article, day=day,
                                                             defaults={"count": 1})
            if not created:
                ArticleView.objects.filter(pk=row.pk).update(count=F("count") + 1)


# --- notices from other modules, and imported articles -----------------------------------------

@transaction.atomic
def publish_notice(*, channel_code: str, title: str, body_text: str, starts_on: date | None = None,
                   ends_on: date | None = None, source_label: str = "", external_key: str,
                   publish_at: datetime | None = None, actor=None) -> Article:
    """Publish (or, with the same ``external_key``, update) a notice such as recruitment's public
    notice (公示) in a notice or disclosure channel. Called by other modules' services inside their
    own transaction; the module has already decided, so no reviewer is asked. The notice is
    listed from ``starts_on`` until ``ends_on``."""
    channel = Channel.objects.filter(code=channel_code).first()
    if channel is None:
        raise ValidationError(f"栏目代码“{channel_code[:40]}”不存在")
    data = _clean_fields({"title": title, "body": paragraphs_html(body_text), "source": source_label,
                          "starts_on": starts_on, "ends_on": ends_on})
    article = Article.objects.select_for_update().filter(external_key=external_key[:100]).first()
    created = article is None
    if article is None:
        article = Article(external_key=external_key[:100], created_by=actor)
    before = {} if created else article.audit_snapshot()
    for name, value in data.items():
        setattr(article, name, value)
    article.channel = channel
    article.slug = make_slug(article.title)
    article.state = ArticleState.PUBLISHED
    article.publish_at = publish_at or article.publish_at or timezone.now()
    article.save()
    search.index(article)
    pagecache.public_changed()
    audit.record("portal.notice_publish", obj=article, user=actor,
                 changes={"external_key": article.external_key, "created": created,
                          **({} if created else audit.diff(before, article.audit_snapshot()))})
    return article


@transaction.atomic
def article_import(*, actor, parsed, channel: Channel, publish: bool = True) -> tuple[Article, bool]:
    """Write an article parsed from a saved page (``portal.importing``); idempotent by its key
    (the source address, else title and date). Returns (article, created)."""
    key = parsed.external_key()
    article = Article.objects.select_for_update().filter(external_key=key).first()
    created = article is None
    if article is None:
        article = Article(external_key=key, created_by=actor)
    data = _clean_fields({"title": parsed.title, "source": parsed.source, "summary": parsed.summary,
                          "body": parsed.body_html(), "source_url": parsed.source_url})
    for name, value in data.items():
        setattr(article, name, value)
    article.channel = channel
    article.slug = make_slug(article.title)
    if publish:
        article.state = ArticleState.PUBLISHED
        article.publish_at = parsed.publish_at()
    article.save()
    if article.state == ArticleState.PUBLISHED:
        search.index(article)
        pagecache.public_changed()
    audit.record("portal.article_import", obj=article, user=actor,
                 changes={"external_key": key, "created": created, "channel": channel.code})
    return article, created


def channel_grant_add(*, actor, user, channel: Channel, role: str):
    """The security admin (accounts.manage) gives a user a role on a channel subtree, as they
    grant org roles (三员分立: the same person grants; nobody grants themself; the three
    administrators hold no business role)."""
    if not get_scope(actor).has_perm("accounts.manage"):
        raise NotFound
    if user.pk == actor.pk:
        raise ValidationError("不能给自己授权")
    if get_scope(user).roles() & ADMIN_ROLES:
        raise ValidationError("三员账号不能担任资讯编辑或审核")
    if not user.is_active:
        raise ValidationError("该账号已停用")

    if ChannelGrant.objects.filter(user=user, channel=channel, role=role).exists():
        raise ValidationError("该用户已拥有此栏目授权")
    return grant(user=user, channel=channel, role=role, actor=actor)


def channel_grant_remove(*, actor, grant_row) -> None:
    if not get_scope(actor).has_perm("accounts.manage"):
        raise NotFound
    if grant_row.user_id == actor.pk:
        raise ValidationError("不能修改自己的授权")
    with transaction.atomic():
        audit.record("portal.grant_remove", obj=grant_row, user=actor, changes={
            "user": grant_row.user.username, "role": grant_row.role, "channel": grant_row.channel.code})
        grant_row.delete()


def grant(*, user, channel: Channel, role: str, actor=None):
    """Give a user a role on a channel subtree (the command line, the demo, and
    ``channel_grant_add`` after its checks)."""
    if role not in ChannelRole.values:
        raise ValidationError(f"角色只能是 {', '.join(ChannelRole.values)}")
    with transaction.atomic():
        row, created = ChannelGrant.objects.get_or_create(user=user, channel=channel, role=role)
        if created:
            audit.record("portal.grant", obj=row, user=actor, changes={"role": role,
                                                                       "channel": channel.code})
    clear_scope_cache(user)
    return row



@transaction.atomic
def channel_create(*, name: str, code: str, slug: str, kind: str = "news", parent: Channel | None = None,
                   description: str = "", disclaimer: str = "", actor=None) -> Channel:
    """A channel under ``parent`` (or at the top). Its URL is the slugs from the top, so a
    top-level slug may not be one of the portal's own path segments."""
    slug = (slug or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", slug):
        raise ValidationError({"slug": "网址名只能用小写字母、数字和连字符"})
    if parent is None and slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"网址名“{slug}”为系统保留"})
    slug_path = f"{parent.slug_path}/{slug}" if parent else slug
    fields = {"name": clean_text(name, max_length=50), "code": code, "slug": slug, "kind": kind,
              "slug_path": slug_path, "description": description, "disclaimer": disclaimer}
    channel = Channel.objects.add_child(parent, fields) if parent else Channel.objects.add_root(fields)
    pagecache.public_changed()
    audit.record("portal.channel_create", obj=channel, user=actor,
                 changes={"code": code, "slug_path": slug_path})
    return channel
