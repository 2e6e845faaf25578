"""Pledges pages: the home (a member's pledges of the year with their records and their posts; a
reviewer's queue and the counts per child from the summary rows), a pledge's page, the member's
forms (pledge, edit, record), the reviews, the review queue, duty posts (list, form, page with its
QR code, taking one down) and the public badge page the QR code opens (no login)."""

import io

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from core.access import get_scope
from core.errors import NotFound
from core.views import (
    GenericView,
    MemberOrManagerView,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from members.models import ACTIVE_STATUSES, Member
from orgs.selectors import children, managed_roots, org_param
from pledges import rules, selectors, services
from pledges.filters import PostFilterSet
from pledges.forms import DutyPostForm, PledgeForm, PledgeRecordForm, ReviewForm
from pledges.models import DutyPost, Pledge, PledgeRecord, ReviewState
from pledges.tables import PostTable

CRUMB = ("承诺践诺", "/pledges/")
PERM = "learning.change"



@not_generic("a dashboard: a member's pledges and posts beside a reviewer's queue and counts")
class PledgeHomeView(MemberOrManagerView):
    title = "承诺践诺"

    manager_perm = "learning.view"

    def get(self, request):
        scope, year = get_scope(request.user), timezone.localdate().year
        context: dict = {"title": self.title, "breadcrumbs": [(self.title, None)], "year": year,
                         "max_pledges": rules.MAX_PLEDGES}
        if scope.member_id:
            context.update(member=True, pledges=list(selectors.mine(scope.member_id, year)),
                           posts=list(DutyPost.objects.filter(holder_id=scope.member_id, ended_on__isnull=True)
                                      .select_related("org")))
        roots = managed_roots(request.user, "learning.view")
        if roots:
            org = roots[0]
            pledges, records = selectors.queue(request.user)
            context.update(org=org, counts=selectors.counts(org, year),
                           children=selectors.children_counts(org, children(org, request.user), year),
                           waiting=pledges.count() + records.count())
        return render(request, "pledges/home.html", context)


def _own_member(user) -> Member:
    member_id = get_scope(user).member_id
    if not member_id:
        raise NotFound
    return Member.objects.get(pk=member_id)


class PledgeCreateView(ServiceFormView):
    form_class = PledgeForm
    service = services.pledge_create
    title = "作出承诺"
    submit_label = "提交审核"
    success_message = "承诺已提交，等待党支部审核"

    def prepare(self):
        self.member = _own_member(self.request.user)

    def get_title(self):
        return f"{timezone.localdate().year}年度承诺"

    def get_breadcrumbs(self):
        return [CRUMB, ("作出承诺", None)]

    def get_success_url(self, result):
        return reverse("pledges:home")

    def get_cancel_url(self):
        return reverse("pledges:home")


class PledgeMixin:
    """A pledge the user sees: their own, or one of the orgs they may view (404 otherwise)."""

    def prepare(self):
        self.pledge = get_object_or_404(Pledge.objects.visible_to(self.request.user, "view")
                                        .select_related("member", "org"), pk=self.kwargs["pk"])

    def get_cancel_url(self):
        return self.pledge.get_absolute_url()

    def get_success_url(self, result):
        return self.pledge.get_absolute_url()

    def get_breadcrumbs(self):
        return [CRUMB, (str(self.pledge), self.pledge.get_absolute_url()), (self.get_title(), None)]


class PledgeDetailView(ObjectDetailView):
    model = Pledge
    template_name = "pledges/pledge.html"

    def get_queryset(self):
        return super().get_queryset().select_related("member", "org", "reviewed_by")

    def get_title(self):
        return f"{self.object.member.name}的承诺（{self.object.year}年）"

    def get_breadcrumbs(self):
        return [CRUMB, (self.get_title(), None)]

    def get_extra_context(self):
        scope = get_scope(self.request.user)
        pledge = self.object
        own = scope.member_id == pledge.member_id
        return {"records": list(pledge.records.select_related("reviewed_by").order_by("day", "pk")), "own": own,
                "can_review": not own and scope.covers(pledge.org.path, PERM),
                "pending": ReviewState.PENDING, "approved": ReviewState.APPROVED}


class PledgeEditView(PledgeMixin, ServiceFormView):
    form_class = PledgeForm
    service = services.pledge_update
    submit_label = "重新提交审核"
    success_message = "承诺已修改，等待党支部审核"

    def prepare(self):
        super().prepare()
        if self.pledge.member_id != get_scope(self.request.user).member_id:
            raise NotFound

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"initial": {"text": self.pledge.text}}

    def get_service_kwargs(self, form):
        return {"pledge": self.pledge, **form.cleaned_data}

    def get_title(self):
        return "修改承诺"


class PledgeReviewView(PledgeMixin, ServiceFormView):
    form_class = ReviewForm
    service = services.pledge_review
    submit_label = "提交"
    success_message = "已审核"

    def prepare(self):
        super().prepare()
        if not get_scope(self.request.user).covers(self.pledge.org.path, PERM):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"pledge": self.pledge, **form.service_kwargs()}

    def get_title(self):
        return f"审核承诺：{self.pledge.member.name}"

    def get_intro(self):
        return f"承诺内容：{self.pledge.text}"

    def get_success_url(self, result):
        return reverse("pledges:queue")


class RecordAddView(PledgeMixin, ServiceFormView):
    form_class = PledgeRecordForm
    service = services.record_add
    submit_label = "提交审核"
    success_message = "践诺记录已提交，等待党支部审核"

    def prepare(self):
        super().prepare()
        if self.pledge.member_id != get_scope(self.request.user).member_id:
            raise NotFound

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"initial": {"day": timezone.localdate()}}

    def get_service_kwargs(self, form):
        return {"pledge": self.pledge, **form.cleaned_data}

    def get_title(self):
        return "记录践诺"


class RecordReviewView(ServiceFormView):
    form_class = ReviewForm
    service = services.record_review
    submit_label = "提交"
    success_message = "已审核"

    def prepare(self):
        self.record = get_object_or_404(PledgeRecord.objects.visible_to(self.request.user, "change")
                                        .select_related("pledge__member", "pledge__org"), pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"record": self.record, **form.service_kwargs()}

    def get_title(self):
        return f"审核践诺记录：{self.record.pledge.member.name}"

    def get_intro(self):
        return f"承诺：{self.record.pledge.text}；{self.record.day:%Y-%m-%d} 践诺情况：{self.record.text}"

    def get_breadcrumbs(self):
        return [CRUMB, ("待审核", reverse("pledges:queue")), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("pledges:queue")

    def get_success_url(self, result):
        return reverse("pledges:queue")


@not_generic("two short queues (pledges and records waiting), capped at 200 each, oldest first")
class QueueView(GenericView):
    title = "待审核的承诺和践诺"
    required_perm = PERM

    def get(self, request):
        pledges, records = selectors.queue(request.user)
        return render(request, "pledges/queue.html", {
            "title": self.title, "breadcrumbs": [CRUMB, (self.title, None)], "pledges": list(pledges[:200]),
            "records": list(records[:200])})


class PostListView(ObjectListView):
    required_perm = "learning.view"
    model = DutyPost
    filterset_class = PostFilterSet
    table = PostTable
    title = "党员岗位（设岗定责）"
    breadcrumbs = [CRUMB, ("党员岗位", None)]
    default_order = ("org__path", "kind", "name", "pk")
    template_name = "pledges/posts.html"

    def get_base_queryset(self):
        return selectors.posts(self.request.user)

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(PERM)}


class PostCreateView(ServiceFormView):
    form_class = DutyPostForm
    service = services.post_create
    submit_label = "设岗"
    success_message = "已设岗：{result}"

    def prepare(self):
        org = org_param(self.request.user, self.request.GET.get("org"), PERM)
        roots = managed_roots(self.request.user, PERM)
        self.org = org or (roots[0] if roots else None)
        if self.org is None:
            raise Http404

    def get_form_kwargs(self):
        candidates = (Member.objects.filter(org__path__startswith=self.org.path, status__in=ACTIVE_STATUSES)
                      .select_related("org").order_by("org__path", "name", "pk"))
        kwargs = {"candidates": candidates}
        if self.request.method != "POST":
            kwargs["initial"] = {"started_on": timezone.localdate()}
        return kwargs

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_title(self):
        return f"设立党员岗位（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("党员岗位", reverse("pledges:posts")), ("设岗", None)]

    def get_cancel_url(self):
        return reverse("pledges:posts")


class PostDetailView(ObjectDetailView):
    model = DutyPost
    template_name = "pledges/post.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "holder")

    def get_title(self):
        return str(self.object)

    def get_breadcrumbs(self):
        return [CRUMB, ("党员岗位", reverse("pledges:posts")), (self.get_title(), None)]

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).covers(self.object.org.path, PERM) and not self.object.ended_on}


class PostEndView(ServiceActionView):
    service = services.post_end
    confirm = True
    submit_label = "确认撤牌"
    success_message = "已撤牌"

    def prepare(self):
        self.post = get_object_or_404(selectors.posts(self.request.user), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.post.org.path, PERM):
            raise NotFound

    def get_title(self):
        return f"撤牌：{self.post}"

    def get_intro(self):
        return "撤牌后，扫描岗位二维码看到的公开页将显示“已撤牌”。"

    def get_service_kwargs(self, form):
        return {"post": self.post}

    def get_cancel_url(self):
        return self.post.get_absolute_url()


@not_generic("an image: the badge page's address as a QR code (SVG)")
def post_qr(request, pk: int):
    if not request.user.is_authenticated:
        raise NotFound
    post = get_object_or_404(selectors.posts(request.user), pk=pk)
    out = io.BytesIO()
    segno.make(request.build_absolute_uri(post.get_badge_url()), error="m").save(
        out, kind="svg", scale=5, xmldecl=False, title="扫码查看岗位", light="#fff")
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@not_generic("the public badge page (挂牌上岗) a QR code opens: no login, the name masked")
def badge(request, token: str):
    found = selectors.badge(token[:20])
    if found is None:
        raise Http404
    post, pledges = found
    return render(request, "pledges/badge.html", {
        "title": str(post), "post": post, "holder": rules.mask_name(post.holder.name), "pledges": pledges})
