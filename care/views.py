"""Care pages: members due a visit, visits, counts per org, one member's care record, and the
visit forms (record, correct, delete). The lists are for those who manage members (an org grant with member.view)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from accounts.scope import get_scope
from care import selectors, services
from care.filters import CareVisitFilterSet, FlaggedMemberFilterSet
from care.forms import CareVisitEditForm, CareVisitForm
from care.models import CareVisit
from care.tables import CareVisitTable, FlaggedMemberTable
from core import forms
from core.views import ObjectListView, ServiceFormView
from members.models import Hardship, Member

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
    rows = selectors.stats_rows(request.user, year=year, code=code)
    if rows is None:
        raise Http404
    return render(request, "care/stats.html", {
        "title": f"{year}年关怀帮扶统计", "breadcrumbs": [CRUMB, ("统计", None)],
        "year": year, "years": range(today.year, today.year - 5, -1), "code": code,
        "rows": rows,
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


class VisitCreateView(ServiceFormView):
    """登记走访. Opened from a member (?member=) or from the list with the member to choose."""

    form_class = CareVisitForm
    service = services.visit_record
    title = "登记走访慰问"
    submit_label = "登记"
    success_message = "已登记对{result.member.name}的走访"

    def prepare(self):
        _require_manager(self.request.user, "member.change")
        self.member = None
        wanted = self.request.GET.get("member", "")
        if wanted.isdigit() and len(wanted) < 18:
            self.member = get_object_or_404(selectors.managed_members(self.request.user, "change"), pk=wanted)

    def get_form_kwargs(self):
        return {"user": self.request.user, "member": self.member}

    def get_cancel_url(self):
        return reverse("care:member", args=[self.member.pk]) if self.member else reverse("care:list")

    def get_breadcrumbs(self):
        return [CRUMB, ("登记走访", None)]


class VisitMixin:
    """A recorded visit, found among those the user may change (404 otherwise)."""

    def prepare(self):
        self.visit = get_object_or_404(
            CareVisit.objects.visible_to(self.request.user, "change").select_related("member__org"),
            pk=self.kwargs["pk"])

    def get_cancel_url(self):
        return self.visit.get_absolute_url()

    def get_success_url(self, result):
        return self.visit.get_absolute_url()

    def get_breadcrumbs(self):
        return [CRUMB, (self.visit.member.name, self.visit.get_absolute_url()), (self.get_title(), None)]


class VisitEditView(VisitMixin, ServiceFormView):
    form_class = CareVisitEditForm
    service = services.visit_update
    success_message = "走访记录已修改"

    def get_title(self):
        return f"修改{self.visit.member.name}的{self.visit}记录"

    def get_form_kwargs(self):
        return {"instance": self.visit}

    def get_service_kwargs(self, form):
        return {"visit": self.visit, **form.cleaned_data}


class VisitDeleteView(VisitMixin, ServiceFormView):
    form_class = forms.Form  # a confirmation: nothing to fill in
    service = services.visit_delete
    submit_label = "确认删除"
    success_message = "走访记录已删除"

    def get_title(self):
        return f"删除{self.visit.member.name}的{self.visit}记录"

    def get_intro(self):
        return f"确定要删除这条走访记录（走访人：{self.visit.visitors}）吗？删除将记入该党员的记实和审计日志。"

    def get_service_kwargs(self, form):
        return {"visit": self.visit}
