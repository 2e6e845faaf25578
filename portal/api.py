"""/api/v1/news: the portal. Published articles and the channels are public (``auth=None``, as
the pages are); the editor endpoints need a token and the same channel grants as the editor
pages (out of the user's channels is 404)."""

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import REFUSED, Message, Pagination, PathId, model_in, model_out
from portal import search, selectors, services
from portal.models import Article, Channel
from portal.sanitize import clean_html

router = Router(tags=["资讯"])


class ChannelComputed(Schema):
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


ChannelOut = model_out("ChannelOut", Channel, ["id", "code", "name", "kind", "slug_path", "depth"],
                       base=ChannelComputed)


class ArticleComputed(Schema):
    channel: str
    url: str

    @staticmethod
    def resolve_channel(obj):
        return obj.channel.code

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


LISTED = ["id", "title", "source", "summary", "publish_at"]
ArticleOut = model_out("ArticleOut", Article, LISTED, base=ArticleComputed)


class ArticleDetailComputed(ArticleComputed):
    body: str = Field(..., description="经白名单过滤的 HTML")
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


ArticleDetailOut = model_out("ArticleDetailOut", Article, [*LISTED, "author", "editor_name"],
                             base=ArticleDetailComputed)
EditorArticleOut = model_out("EditorArticleOut", Article, [*LISTED, "state", "review_note"], base=ArticleComputed)


class ArticleFilters(Schema):
    """The public list: a channel by its code, or words to search (no filter set: the search is
    the portal's own, portal.search)."""

    channel: str | None = Field(None, max_length=Channel._meta.get_field("code").max_length,
                                description="栏目代码（含下级栏目）")
    q: str | None = Field(None, max_length=100, description="全文检索词")


class ArticleChannel(Schema):
    channel: str = Field(..., max_length=Channel._meta.get_field("code").max_length, description="栏目代码")


ArticleIn = model_in("ArticleIn", Article, ["title", "summary", "body", "source", "author", "editor_name"],
                     base=ArticleChannel, extra={
                         "body": {"max_length": 200_000, "description": "HTML，保存时按白名单过滤"},
                         "editor_name": {"description": "责任编辑（留空则为撰稿人）"}})
PublishIn = model_in("PublishIn", Article, ["publish_at"], extra={
    "publish_at": {"description": "留空立即发布；将来的时间为定时发布"}})
NoteIn = model_in("NoteIn", Article, [("note", "review_note")], required=["note"])


class ReasonIn(Schema):
    """Why an article comes down: kept in the audit trail, not on the article."""

    reason: str = Field("", max_length=200)


# --- public ------------------------------------------------------------------------------------------

@router.get("/channels", response=list[ChannelOut], auth=None)
def news_channels(request):
    """栏目树（按路径排序）。公开接口。"""
    return list(Channel.objects.all())


@router.get("/articles", response={200: list[ArticleOut], 404: Message}, auth=None)
@paginate(Pagination)
def news_articles(request, filters: Query[ArticleFilters]):
    """已发布文章，新的在前；可按栏目（含下级）筛选或全文检索（没有该栏目：404）。公开接口。"""
    if filters.q:
        return [hit.article for hit in search.search(filters.q, limit=200)]
    channel = get_object_or_404(Channel, code=filters.channel) if filters.channel else None
    return selectors.listed(channel)


@router.get("/articles/{int:article_id}", response=ArticleDetailOut, auth=None)
def news_article(request, article_id: PathId):
    """一篇已发布文章的全文。公开接口。"""
    return selectors.public_article(article_id)


# --- editors -----------------------------------------------------------------------------------------

def _editable(request, article_id: int) -> Article:
    return get_object_or_404(Article.objects.visible_to(request.user, "edit").select_related("channel"),
                             pk=article_id)


@router.get("/editor/articles", response=list[EditorArticleOut])
@paginate(Pagination)
def news_editor_articles(request):
    """本人有权编辑的栏目中的全部文章（含草稿）。"""
    return selectors.editable_articles(request.user).order_by("-updated", "-pk")


@router.post("/editor/articles", response={201: EditorArticleOut, **REFUSED})
def news_article_create(request, payload: ArticleIn):
    """在有权编辑的栏目中新建草稿。"""
    channel = get_object_or_404(Channel.objects.visible_to(request.user, "edit"), code=payload.channel)
    article = services.article_create(actor=request.user, channel=channel, **payload.dict(exclude={"channel"}))
    return Status(201, article)


def _step(request, article_id: int, service, **kwargs):
    return service(actor=request.user, article=_editable(request, article_id), **kwargs)


STEP = {200: EditorArticleOut, **REFUSED}


@router.post("/editor/articles/{int:article_id}/submit", response=STEP)
def news_article_submit(request, article_id: PathId):
    """编辑提交审核。"""
    return _step(request, article_id, services.article_submit)


@router.post("/editor/articles/{int:article_id}/publish", response=STEP)
def news_article_publish(request, article_id: PathId, payload: PublishIn):
    """审核人发布（可定时）。"""
    return _step(request, article_id, services.article_publish, publish_at=payload.publish_at)


@router.post("/editor/articles/{int:article_id}/return", response=STEP)
def news_article_return(request, article_id: PathId, payload: NoteIn):
    """审核人退回（须填写意见）。"""
    return _step(request, article_id, services.article_return, note=payload.note)


@router.post("/editor/articles/{int:article_id}/unpublish", response=STEP)
def news_article_unpublish(request, article_id: PathId, payload: ReasonIn):
    """审核人撤下已发布的文章。"""
    return _step(request, article_id, services.article_unpublish, reason=payload.reason)
