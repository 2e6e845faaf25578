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
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scope import get_scope
from core import files
from core.middleware import client_ip
from core.paging import paginate
from core.views import ObjectListView, form_errors_from
from portal import search, selectors, services
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


def index(request):
    sections = [(channel, list(selectors.listed(channel)[:8])) for channel in selectors.top_channels()]
    return render(request, "portal/index.html", {
        "title": "资讯", "sections": sections, "notices": selectors.notices(), **_sides(request)})


def channel(request, slug_path):
    current = selectors.channel_by_path(slug_path)
    page = paginate(request, selectors.listed(current), per_page=20)
    return render(request, "portal/channel.html", {
        "title": current.name, "channel": current, "children": selectors.children(current),
        "page": page, "crumbs": _crumbs(current), **_sides(request)})


def rank(request):
    """The 点击排行 list for one period (the tabs refresh it with htmx; plain links reload)."""
    return render(request, "portal/_rank.html", _sides(request))


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


def article(request, pk, slug=None):
    found = selectors.public_article(pk)
    if slug != (found.slug or None):
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(found.get_absolute_url() + query, permanent=True)
    context = _article_context(request, found)
    context["previous"], context["next"] = selectors.neighbours(found)
    context["related"] = selectors.related(found)
    if request.GET.get("print"):
        return render(request, "portal/article_print.html", context)
    response = render(request, "portal/article.html", context)
    _count_read(request, response, found)
    return response


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


def share(request, pk):
    found = selectors.public_article(pk)
    return render(request, "portal/share.html", _article_context(request, found))


def qr(request, pk):
    """The article's address as a QR code (SVG drawn by the platform, no outside service)."""
    found = selectors.public_article(pk)
    code = segno.make(request.build_absolute_uri(found.get_absolute_url()), error="m")
    out = io.BytesIO()
    # A standalone SVG file (with its namespace, which an <img> needs), white background.
    code.save(out, kind="svg", scale=4, xmldecl=False, title="扫码阅读", light="#fff")
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


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


def image(request, pk):
    return _image(request, pk, thumb=False)


def thumb(request, pk):
    return _image(request, pk, thumb=True)


# --- editor pages ------------------------------------------------------------------------------------

EDITOR_CRUMB = ("资讯编辑", "/news/editor/")


def _require_grants(user, action: str = "edit") -> None:
    if not get_scope(user).tree("channel").holds(f"portal.{action}"):
        raise Http404


class EditorListView(ObjectListView):
    model = Article
    action = "edit"
    filterset_class = ArticleFilterSet
    table = ArticleTable
    title = "资讯编辑"
    template_name = "portal/editor_list.html"
    breadcrumbs = [("资讯编辑", None)]
    default_order = ("-updated", "-pk")

    def get(self, request):
        _require_grants(request.user)
        return super().get(request)

    def get_queryset(self):
        return selectors.editable_articles(self.request.user)

    def get_extra_context(self):
        return {"can_review": get_scope(self.request.user).tree("channel").holds("portal.review")}


def _editable(request, pk) -> Article:
    return get_object_or_404(Article.objects.visible_to(request.user, "edit").select_related("channel"), pk=pk)


def _form_page(request, form, title, crumbs, **extra):
    return render(request, "portal/editor_form.html", {
        "form": form, "title": title, "breadcrumbs": [EDITOR_CRUMB, *crumbs], **extra})


def _carried_out(request, form, call, done: str) -> bool:
    """Run a service call for a valid bound form: True when it went through (with a message),
    False when it was refused (its reasons now on the form) or the form was not posted/valid."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        form_errors_from(exc, form)
        return False
    messages.success(request, done)
    return True


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    _require_grants(request.user)
    form = ArticleForm(request.POST or None, user=request.user)
    created = []
    if _carried_out(request, form, lambda: created.append(services.article_create(
            actor=request.user, channel=form.cleaned_data["channel"], **form.service_fields())), "草稿已保存"):
        return redirect("portal:edit", pk=created[0].pk)
    return _form_page(request, form, "新建文章", [("新建文章", None)], cancel_url=reverse("portal:editor"),
                      rich_editor=True)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    found = _editable(request, pk)
    form = ArticleForm(request.POST or None, instance=found, user=request.user)
    if _carried_out(request, form, lambda: services.article_update(
            actor=request.user, article=found, channel=form.cleaned_data["channel"],
            **form.service_fields()), "已保存"):
        return redirect("portal:edit", pk=found.pk)
    found.refresh_from_db()
    return render(request, "portal/editor_article.html", {
        "form": form, "article": found, "title": f"编辑：{found.title}",
        "breadcrumbs": [EDITOR_CRUMB, (found.title, None)],
        "actions": _available_actions(request.user, found),
        "images": list(found.images.all()), "image_form": ImageForm(),
    })


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


@login_required
@require_http_methods(["GET", "POST"])
def action(request, pk, name):
    """Confirm (GET) and carry out (POST) one workflow step; the service checks the grant again."""
    found = _editable(request, pk)
    label, form_class, service = ACTIONS[name]
    if name != "submit" and not services.may(request.user, found.channel, "review"):
        raise Http404
    form = form_class(request.POST if request.method == "POST" else None)
    if _carried_out(request, form, lambda: service(actor=request.user, article=found, **form.cleaned_data),
                    f"已{label}"):
        return redirect("portal:edit", pk=found.pk)
    return _form_page(request, form, f"{label}：{found.title}",
                      [(found.title, reverse("portal:edit", args=[found.pk])), (label, None)],
                      submit_label=label, cancel_url=reverse("portal:edit", args=[found.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def image_upload(request, pk):
    found = _editable(request, pk)
    form = ImageForm(request.POST or None, request.FILES or None)
    if _carried_out(request, form, lambda: services.image_add(
            actor=request.user, article=found, upload=form.cleaned_data["image"],
            alt=form.cleaned_data["alt"], lead=form.cleaned_data["lead"]), "图片已上传"):
        return redirect("portal:edit", pk=found.pk)
    return _form_page(request, form, f"上传图片：{found.title}",
                      [(found.title, reverse("portal:edit", args=[found.pk])), ("上传图片", None)],
                      multipart=True, submit_label="上传", cancel_url=reverse("portal:edit", args=[found.pk]))


@login_required
def preview(request, pk):
    found = _editable(request, pk)
    return render(request, "portal/article.html", {**_article_context(request, found), "preview": True})


@login_required
def comment_queue(request):
    _require_grants(request.user, "review")
    page = paginate(request, selectors.pending_comments(request.user))
    return render(request, "portal/comment_queue.html", {
        "title": "评论审核", "page": page, "breadcrumbs": [EDITOR_CRUMB, ("评论审核", None)]})


@login_required
@require_POST
def comment_decide(request, pk, decision):
    found = get_object_or_404(Comment.objects.visible_to(request.user, "review"), pk=pk)
    service = services.comment_approve if decision == "approve" else services.comment_reject
    service(actor=request.user, comment=found)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "已通过" if decision == "approve" else "已拒绝")
    return redirect("portal:comment_queue")
