"""/api/v1/news: the portal. Published articles and the channels are public (``auth=None``, as
the pages are); the editor endpoints need a token and the same channel grants as the editor
pages (out of the user's channels is 404)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import Pagination
from portal import search, selectors, services
from portal.models import Article, Channel
from portal.sanitize import clean_html

router = Router(tags=["资讯"])


class ChannelOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    slug_path: str
    depth: int
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ArticleOut(Schema):
    id: int
    title: str
    channel: str
    source: str
    summary: str
    publish_at: datetime | None
    url: str

    @staticmethod
    def resolve_channel(obj):
        return obj.channel.code

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ArticleDetailOut(ArticleOut):
    body: str = Field(..., description="经白名单过滤的 HTML")
    author: str
    editor_name: str = Field(..., description="责任编辑")
    starts_on: str | None
    ends_on: str | None

    @staticmethod
    def resolve_body(obj):
        return clean_html(obj.body)

    @staticmethod
    def resolve_starts_on(obj):
        return obj.starts_on.isoformat() if obj.starts_on else None

    @staticmethod
    def resolve_ends_on(obj):
        return obj.ends_on.isoformat() if obj.ends_on else None


class EditorArticleOut(ArticleOut):
    state: str
    review_note: str


class ArticleFilters(Schema):
    channel: str | None = Field(None, max_length=40, description="栏目代码（含下级栏目）")
    q: str | None = Field(None, max_length=100, description="全文检索词")


class ArticleIn(Schema):
    channel: str = Field(..., max_length=40, description="栏目代码")
    title: str = Field(..., max_length=200)
    summary: str = Field("", max_length=1000)
    body: str = Field("", max_length=200_000, description="HTML，保存时按白名单过滤")
    source: str = Field("", max_length=100)
    author: str = Field("", max_length=50)
    editor_name: str = Field("", max_length=50, description="责任编辑（留空则为撰稿人）")


class PublishIn(Schema):
    publish_at: datetime | None = Field(None, description="留空立即发布；将来的时间为定时发布")


class NoteIn(Schema):
    note: str = Field(..., max_length=200)


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class Message(Schema):
    detail: str


# --- public ------------------------------------------------------------------------------------------

@router.get("/channels", response=list[ChannelOut], auth=None)
def news_channels(request):
    """栏目树（按路径排序）。公开接口。"""
    return list(Channel.objects.all())


@router.get("/articles", response=list[ArticleOut], auth=None)
@paginate(Pagination)
def news_articles(request, filters: Query[ArticleFilters]):
    """已发布文章，新的在前；可按栏目（含下级）筛选或全文检索。公开接口。"""
    if filters.q:
        return [hit.article for hit in search.search(filters.q, limit=200)]
    channel = get_object_or_404(Channel, code=filters.channel) if filters.channel else None
    return selectors.listed(channel)


@router.get("/articles/{int:article_id}", response=ArticleDetailOut, auth=None)
def news_article(request, article_id: int):
    """一篇已发布文章的全文。公开接口。"""
    return selectors.public_article(article_id)


# --- editors -----------------------------------------------------------------------------------------

def _editable(request, article_id: int) -> Article:
    return get_object_or_404(Article.objects.visible_to(request.user, "edit").select_related("channel"),
                             pk=article_id)


def _refused(exc: ValidationError):
    return Status(422, {"detail": "；".join(exc.messages)})


@router.get("/editor/articles", response=list[EditorArticleOut])
@paginate(Pagination)
def news_editor_articles(request):
    """本人有权编辑的栏目中的全部文章（含草稿）。"""
    return selectors.editable_articles(request.user).order_by("-updated", "-pk")


@router.post("/editor/articles", response={201: EditorArticleOut, 404: Message, 422: Message})
def news_article_create(request, payload: ArticleIn):
    """在有权编辑的栏目中新建草稿。"""
    channel = get_object_or_404(Channel.objects.visible_to(request.user, "edit"), code=payload.channel)
    try:
        article = services.article_create(actor=request.user, channel=channel,
                                          **payload.dict(exclude={"channel"}))
    except ValidationError as exc:
        return _refused(exc)
    return Status(201, article)


def _step(request, article_id: int, service, **kwargs):
    try:
        article = service(actor=request.user, article=_editable(request, article_id), **kwargs)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, article)


STEP = {200: EditorArticleOut, 404: Message, 422: Message}


@router.post("/editor/articles/{int:article_id}/submit", response=STEP)
def news_article_submit(request, article_id: int):
    """编辑提交审核。"""
    return _step(request, article_id, services.article_submit)


@router.post("/editor/articles/{int:article_id}/publish", response=STEP)
def news_article_publish(request, article_id: int, payload: PublishIn):
    """审核人发布（可定时）。"""
    return _step(request, article_id, services.article_publish, publish_at=payload.publish_at)


@router.post("/editor/articles/{int:article_id}/return", response=STEP)
def news_article_return(request, article_id: int, payload: NoteIn):
    """审核人退回（须填写意见）。"""
    return _step(request, article_id, services.article_return, note=payload.note)


@router.post("/editor/articles/{int:article_id}/unpublish", response=STEP)
def news_article_unpublish(request, article_id: int, payload: ReasonIn):
    """审核人撤下已发布的文章。"""
    return _step(request, article_id, services.article_unpublish, reason=payload.reason)
