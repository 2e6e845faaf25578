"""Care pages: members due a visit, visits, counts per org, one member's care record, and the
visit form. The lists are for those who manage members (an org grant with member.view)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.scope import get_scope
from care import selectors, services
from care.filters import CareVisitFilterSet, FlaggedMemberFilterSet
from care.forms import CareVisitForm
from care.models import CareVisit
from care.tables import CareVisitTable, FlaggedMemberTable
from core.views import ObjectListView, form_errors_from
from members.models import Hardship, Member
from orgs.models import Org

CRUMB = ("关怀帮扶", "/care/")


def _require_manager(user, perm: str = "member.view") -> None:
    if not get_scope(user).has_any_org_perm(perm):
        raise Http404


class ManagerListView(ObjectListView):
    def get(self, request):
        _require_manager(request.user)
        return super().get(request)


class FlaggedMemberListView(ManagerListView):
    model = Member
    filterset_class = FlaggedMemberFilterSet
    table = FlaggedMemberTable
    title = "关怀帮扶"
    export_action = "export"
    breadcrumbs = [("关怀帮扶", None)]
    default_order = ("org__path", "name_pinyin", "pk")
    template_name = "care/flagged_list.html"
    partial_template = "care/_flagged_table.html"

    def get_base_queryset(self):
        return selectors.with_reasons(selectors.flagged_members(self.request.user)).select_related("org")

    def get_extra_context(self):
        return {"year": timezone.localdate().year,
                "can_record": get_scope(self.request.user).has_any_org_perm("member.change")}


class CareVisitListView(ManagerListView):
    model = CareVisit
    filterset_class = CareVisitFilterSet
    table = CareVisitTable
    title = "走访记录"
    export_action = "export"
    breadcrumbs = [CRUMB, ("走访记录", None)]
    default_order = ("-visited", "-pk")

    def get_base_queryset(self):
        return selectors.managed_visits(self.request.user).select_related("member__org", "recorded_by")


@login_required
def care_stats(request):
    """Counts per org subtree for a year: the chosen org (default: the user's top orgs) and its
    children, each a link to drill down."""
    _require_manager(request.user)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    code = request.GET.get("org", "").strip().upper()[:32]
    roots = selectors.stats_roots(request.user)
    if code:
        org = get_object_or_404(Org.objects.visible_to(request.user).filter(
            get_scope(request.user).org_q("path", "member.view")), code=code)
        tops = [org]
    else:
        tops = roots
    children = [c for top in tops for c in Org.objects.visible_to(request.user).subtree(top)
                .filter(depth=top.depth + 1).order_by("path")]
    counts = selectors.year_counts(tops + children, user=request.user, year=year)
    return render(request, "care/stats.html", {
        "title": f"{year}年关怀帮扶统计", "breadcrumbs": [CRUMB, ("统计", None)],
        "year": year, "years": range(today.year, today.year - 5, -1), "code": code,
        "rows": [(o, counts[o.pk], False) for o in tops] + [(o, counts[o.pk], True) for o in children],
        "labels": selectors.reason_labels(),
    })


def _year(value, default: int) -> int:
    return int(value) if value and value.isdigit() and 1900 <= int(value) <= 2999 else default


@login_required
def member_care(request, pk):
    """One member's care record: reasons, hardships, visits (the member sees their own)."""
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("org"), pk=pk)
    scope = get_scope(request.user)
    visits = CareVisit.objects.visible_to(request.user).filter(member=member).select_related("recorded_by")
    crumbs = [CRUMB] if scope.has_any_org_perm("member.view") else []
    return render(request, "care/member_care.html", {
        "member": member, "title": f"{member.name}的关怀记录",
        "breadcrumbs": crumbs + [(member.name, None)],
        "reasons": selectors.member_reasons(member),
        "hardships": Hardship.objects.visible_to(request.user).filter(member=member),
        "visits": visits,
        "can_record": scope.covers(member.org.path, "member.change"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request):
    """登记走访. Opened from a member (?member=) or from the list with the member to choose."""
    _require_manager(request.user, "member.change")
    member = None
    if request.GET.get("member", "").isdigit() and len(request.GET["member"]) < 18:
        member = get_object_or_404(selectors.managed_members(request.user, "change"), pk=request.GET["member"])
    form = CareVisitForm(request.POST or None, user=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, f"已登记对{visit.member.name}的走访")
            return redirect(visit)
    return render(request, "core/form.html", {
        "form": form, "title": "登记走访慰问", "submit_label": "登记",
        "cancel_url": reverse("care:member", args=[member.pk]) if member else reverse("care:list"),
        "breadcrumbs": [CRUMB, ("登记走访", None)],
    })
