"""The portal's pages: public (channels, articles, comments, search, share, print, images) and
the editor's (lists, forms, workflow actions, the comment queue). Editor pages answer 404 to
users without a grant on the article's channel."""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import files
from core.access import get_scope
from core.middleware import client_ip
from core.paging import paginate
from core.views import (
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    form_errors_from,
    not_generic,
    require_perm,
)
from portal import pagecache, search, selectors, services
from portal.filters import ArticleFilterSet
from portal.forms import (
    ArticleForm,
    CommentForm,
    ImageForm,
    PublishForm,
    ReturnForm,
    SubmitForm,
    UnpublishForm,
)
from portal.models import Article, ArticleImage, Channel, Comment
from portal.tables import ArticleTable

READ_COOKIE = "portal_read"
FONT_SIZES = range(1, 6)
SUGGESTIONS = ("党建", "党员", "三会一课", "两学一做", "主题党日", "五好党支部")


def _sides(request) -> dict:
    """The side lists of every public page: 推荐图文, 推荐资讯, 点击排行."""
    period = request.GET.get("rank", "day")
    period = period if period in selectors.PERIODS else "day"
    return {"featured_images": selectors.featured_with_images(), "featured": selectors.featured(),
            "most_read": selectors.most_read(period), "rank_period": period,
            "periods": selectors.PERIODS, "top_channels": selectors.top_channels()}


def _crumbs(channel: Channel | None) -> list[tuple[str, str]]:
    return [(c.name, c.get_absolute_url()) for c in channel.crumbs()] if channel else []


@not_generic("a public page of the news portal: no login, published articles only")
def index(request):
    def page():
        sections = [(channel, list(selectors.listed(channel)[:8])) for channel in selectors.top_channels()]
        return render(request, "portal/index.html", {
            "title": "资讯", "sections": sections, "notices": selectors.notices(), **_sides(request)})
    return pagecache.shared_page(request, "index", page)


@not_generic("a public page of the news portal: no login, published articles only")
def channel(request, slug_path):
    def page():
        current = selectors.channel_by_path(slug_path)
        return render(request, "portal/channel.html", {
            "title": current.name, "channel": current, "children": selectors.children(current),
            "page": paginate(request, selectors.listed(current), per_page=20),
            "crumbs": _crumbs(current), **_sides(request)})
    return pagecache.shared_page(request, f"channel:{slug_path}", page)


@not_generic("a public page of the news portal: no login, published articles only")
def rank(request):
    """The 点击排行 list for one period (the tabs refresh it with htmx; plain links reload)."""
    return pagecache.shared_page(request, "rank", lambda: render(request, "portal/_rank.html", _sides(request)))


def _count_read(request, response, article: Article) -> None:
    """One read per article per reader per day: the ids read today ride in a signed cookie
    (nothing about the reader is stored on our side)."""
    today = timezone.localdate().strftime("%Y%m%d")
    seen = request.get_signed_cookie(READ_COOKIE, default="", salt="portal.read")
    day, _, ids = seen.partition(":")
    read = set(ids.split(",")) if day == today and ids else set()
    if str(article.pk) in read:
        return
    services.view_record(article)
    read = sorted(read | {str(article.pk)}, key=int)[-200:]
    response.set_signed_cookie(READ_COOKIE, f"{today}:{','.join(read)}", salt="portal.read",
                               max_age=24 * 3600, httponly=True, samesite="Lax",
                               secure=settings.SESSION_COOKIE_SECURE)


def _font_size(request) -> int:
    try:
        size = int(request.GET.get("fs", 3))
    except ValueError:
        size = 3
    return size if size in FONT_SIZES else 3


def _article_context(request, article: Article, *, form=None) -> dict:
    comments = selectors.approved_comments(article)
    return {
        "title": article.title, "article": article, "channel": article.channel,
        "crumbs": _crumbs(article.channel), "disclaimer": article.channel.effective_disclaimer(),
        "comments": list(comments[:10]), "comment_count": comments.count(),
        "form": form or CommentForm(), "font_size": _font_size(request),
        "share_url": request.build_absolute_uri(article.get_absolute_url()),
        "expired": article.is_expired(), **_sides(request),
    }


@not_generic("a public page of the news portal: no login; it also counts the read")
def article(request, pk, slug=None):
    found = selectors.public_article(pk)
    if slug != (found.slug or None):
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(found.get_absolute_url() + query, permanent=True)

    def page():
        context = _article_context(request, found)
        context["previous"], context["next"] = selectors.neighbours(found)
        context["related"] = selectors.related(found)
        template = "portal/article_print.html" if request.GET.get("print") else "portal/article.html"
        return render(request, template, context)

    response = pagecache.shared_page(request, f"article:{found.pk}", page)
    if not request.GET.get("print"):
        _count_read(request, response, found)
    return response


@not_generic("a public page of the news portal: readers comment without login, limited by address")
@require_http_methods(["GET", "POST"])
def comments(request, pk):
    """All approved comments of an article ("查看全部"), and where the comment form posts."""
    found = selectors.public_article(pk)
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_post(article=found, body=form.cleaned_data["body"],
                                  name=form.cleaned_data["name"], user=request.user,
                                  ip=client_ip(request))
        except ValidationError as exc:
            form_errors_from(exc, form)
            status = 429 if "频繁" in " ".join(exc.messages) else 200
        else:
            messages.success(request, "评论已提交，审核通过后显示。")
            return redirect(found.get_absolute_url() + "#comments")
    page = paginate(request, selectors.approved_comments(found), per_page=30)
    context = {**_article_context(request, found, form=form), "page": page}
    return render(request, "portal/comments.html", context, status=status)


@not_generic("a public page of the news portal: no login, published articles only")
def share(request, pk):
    found = selectors.public_article(pk)
    return render(request, "portal/share.html", _article_context(request, found))


@not_generic("an image: the article's address as a QR code (SVG)")
def qr(request, pk):
    """The article's address as a QR code (SVG drawn by the platform, no outside service)."""
    found = selectors.public_article(pk)
    code = segno.make(request.build_absolute_uri(found.get_absolute_url()), error="m")
    out = io.BytesIO()
    # A standalone SVG file (with its namespace, which an <img> needs), white background.
    code.save(out, kind="svg", scale=4, xmldecl=False, title="扫码阅读", light="#fff")
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@not_generic("a public page of the news portal: no login, published articles only")
def search_page(request):
    query = request.GET.get("q", "").strip()[:search.MAX_QUERY_LENGTH]
    page = paginate(request, search.ranked_ids(query) if query else [], per_page=20)
    return render(request, "portal/search.html", {
        "title": "资讯搜索", "query": query, "page": page, "hits": search.hits(page.object_list, query),
        "capped": page.paginator.count >= search.MAX_RESULTS, "suggestions": SUGGESTIONS,
        **_sides(request)})


def _image(request, pk, thumb: bool):
    picture = get_object_or_404(ArticleImage.objects.select_related("article__channel"), pk=pk)
    if not (picture.article.is_live() or services.may(request.user, picture.article.channel, "edit")):
        raise Http404
    path = files.path_of(picture.thumb_name if thumb else picture.stored_name)
    if not path.exists():
        raise Http404
    response = FileResponse(open(path, "rb"), content_type=picture.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@not_generic("an image file: served while the article is live, or to its editors")
def image(request, pk):
    return _image(request, pk, thumb=False)


@not_generic("an image file: served while the article is live, or to its editors")
def thumb(request, pk):
    return _image(request, pk, thumb=True)


# --- editor pages ------------------------------------------------------------------------------------

EDITOR_CRUMB = ("资讯编辑", "/news/editor/")


class EditorListView(ObjectListView):
    required_perm = "portal.edit"
    model = Article
    action = "edit"
    filterset_class = ArticleFilterSet
    table = ArticleTable
    title = "资讯编辑"
    template_name = "portal/editor_list.html"
    breadcrumbs = [("资讯编辑", None)]
    default_order = ("-updated", "-pk")

    def get_queryset(self):
        return selectors.editable_articles(self.request.user)

    def get_extra_context(self):
        return {"can_review": get_scope(self.request.user).tree("channel").holds("portal.review")}


class ArticleCreateView(ServiceFormView):
    required_perm = "portal.edit"
    form_class = ArticleForm
    title = "新建文章"
    breadcrumbs = [EDITOR_CRUMB, ("新建文章", None)]
    template_name = "portal/editor_form.html"
    success_message = "草稿已保存"

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def call_service(self, form):
        return services.article_create(actor=self.request.user, channel=form.cleaned_data["channel"],
                                       **form.service_fields())

    def get_success_url(self, result):
        return reverse("portal:edit", args=[result.pk])

    def get_cancel_url(self):
        return reverse("portal:editor")

    def get_extra_context(self):
        return {"rich_editor": True}


class ArticleFormView(ServiceFormView):
    """A form on an article the user may edit (404 outside their channels), back to its editor."""

    template_name = "portal/editor_form.html"

    def prepare(self):
        self.article = get_object_or_404(Article.objects.visible_to(self.request.user, "edit")
                                         .select_related("channel"), pk=self.kwargs["pk"])

    def get_success_url(self, result):
        return reverse("portal:edit", args=[self.article.pk])

    def get_cancel_url(self):
        return reverse("portal:edit", args=[self.article.pk])


class ArticleEditView(ArticleFormView):
    """The article's editor: the form, its workflow buttons and its pictures."""

    form_class = ArticleForm
    template_name = "portal/editor_article.html"
    success_message = "已保存"

    def get_form_kwargs(self):
        return {"instance": self.article, "user": self.request.user}

    def call_service(self, form):
        return services.article_update(actor=self.request.user, article=self.article,
                                       channel=form.cleaned_data["channel"], **form.service_fields())

    def get_title(self):
        return f"编辑：{self.article.title}"

    def get_breadcrumbs(self):
        return [EDITOR_CRUMB, (self.article.title, None)]

    def get_extra_context(self):
        found = self.article
        found.refresh_from_db()  # the bound form changed the instance; the page shows what is saved
        return {"article": found, "actions": _available_actions(self.request.user, found),
                "images": list(found.images.all()), "image_form": ImageForm()}


def _available_actions(user, found: Article) -> list[tuple[str, str]]:
    review = services.may(user, found.channel, "review")
    state = found.state
    actions = []
    if state == "draft":
        actions.append(("submit", "提交审核"))
    if review and state != "published":
        actions.append(("publish", "发布"))
    if review and state == "review":
        actions.append(("return", "退回"))
    if review and state == "published":
        actions.append(("unpublish", "撤下"))
    return actions


ACTIONS = {  # name: (label, form, service); the form's fields are the service's keywords
    "submit": ("提交审核", SubmitForm, services.article_submit),
    "publish": ("发布", PublishForm, services.article_publish),
    "return": ("退回", ReturnForm, services.article_return),
    "unpublish": ("撤下", UnpublishForm, services.article_unpublish),
}


class ArticleActionView(ArticleFormView):
    """Confirm (GET) and carry out (POST) one workflow step, its form the step's details (a
    return's note, a publication time); the service checks the grant again."""

    def prepare(self):
        super().prepare()
        name = self.kwargs["name"]
        self.label, self.form_class, self.service = ACTIONS[name]
        if name != "submit" and not services.may(self.request.user, self.article.channel, "review"):
            raise Http404

    def call_service(self, form):
        return self.service(actor=self.request.user, article=self.article, **form.cleaned_data)

    @property
    def submit_label(self):
        return self.label

    def get_title(self):
        return f"{self.label}：{self.article.title}"

    def get_success_message(self, result):
        return f"已{self.label}"

    def get_breadcrumbs(self):
        return [EDITOR_CRUMB, (self.article.title, self.get_cancel_url()), (self.label, None)]


class ImageUploadView(ArticleFormView):
    form_class = ImageForm
    submit_label = "上传"
    success_message = "图片已上传"

    def call_service(self, form):
        data = form.cleaned_data
        return services.image_add(actor=self.request.user, article=self.article, upload=data["image"],
                                  alt=data["alt"], lead=data["lead"])

    def get_title(self):
        return f"上传图片：{self.article.title}"

    def get_breadcrumbs(self):
        return [EDITOR_CRUMB, (self.article.title, self.get_cancel_url()), ("上传图片", None)]

    def get_extra_context(self):
        return {"multipart": True}


class PreviewView(ObjectDetailView):
    model = Article
    action = "edit"
    template_name = "portal/article.html"

    def get_queryset(self):
        return super().get_queryset().select_related("channel")

    def get_extra_context(self):
        return {**_article_context(self.request, self.object), "preview": True}


@not_generic("the moderation queue: pending comments, each with its buttons; no filters or table")
@login_required
def comment_queue(request):
    require_perm(request.user, "portal.review")
    page = paginate(request, selectors.pending_comments(request.user))
    return render(request, "portal/comment_queue.html", {
        "title": "评论审核", "page": page, "breadcrumbs": [EDITOR_CRUMB, ("评论审核", None)]})


class CommentDecideView(ServiceActionView):
    """Approve or reject a comment; for htmx the row simply disappears."""

    def prepare(self):
        self.comment = get_object_or_404(Comment.objects.visible_to(self.request.user, "review"),
                                         pk=self.kwargs["pk"])
        self.approve = self.kwargs["decision"] == "approve"

    def call_service(self, form):
        service = services.comment_approve if self.approve else services.comment_reject
        return service(actor=self.request.user, comment=self.comment)

    def get_back_url(self):
        return reverse("portal:comment_queue")

    def succeeded(self, result):
        if self.request.htmx:
            return HttpResponse("")
        messages.success(self.request, "已通过" if self.approve else "已拒绝")
        return redirect(self.get_back_url())
