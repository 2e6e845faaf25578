"""Care pages: members due a visit, visits, counts per org, one member's care record, and the
visit forms (record, correct, delete). The lists are for those who manage members (an org grant with member.view)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from care import selectors, services
from care.filters import CareVisitFilterSet, FlaggedMemberFilterSet
from care.forms import CareVisitEditForm, CareVisitForm
from care.models import CareVisit
from care.tables import CareVisitTable, FlaggedMemberTable
from core.access import get_scope
from core.views import ObjectDetailView, ObjectListView, ServiceActionView, ServiceFormView
from members.models import Hardship, Member
from orgs.models import Org
from orgs.selectors import org_param

CRUMB = ("关怀帮扶", "/care/")


class FlaggedMemberListView(ObjectListView):
    required_perm = "member.view"
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


class CareVisitListView(ObjectListView):
    required_perm = "member.view"
    model = CareVisit
    filterset_class = CareVisitFilterSet
    table = CareVisitTable
    title = "走访记录"
    export_action = "export"
    breadcrumbs = [CRUMB, ("走访记录", None)]
    default_order = ("-visited", "-pk")

    def get_base_queryset(self):
        return selectors.managed_visits(self.request.user).select_related("member__org", "recorded_by")


class CareStatsView(ObjectDetailView):
    """Counts per org subtree for a year: the chosen org (``?org=``, id or code; default: the
    user's top orgs, then ``object`` is None) and its children, each a link to drill down."""

    required_perm = "member.view"
    model = Org
    template_name = "care/stats.html"
    breadcrumbs = [CRUMB, ("统计", None)]

    def get_object(self):
        return org_param(self.request.user, self.request.GET.get("org"), "member.view")

    def get_title(self):
        return f"{self.year()}年关怀帮扶统计"

    def year(self) -> int:
        value, default = self.request.GET.get("year"), timezone.localdate().year
        return int(value) if value and value.isdigit() and 1900 <= int(value) <= 2999 else default

    def get_extra_context(self):
        today, year = timezone.localdate(), self.year()
        return {"year": year, "years": range(today.year, today.year - 5, -1),
                "code": self.object.code if self.object else "",
                "rows": selectors.stats_rows(self.request.user, year=year, org=self.object),
                "labels": selectors.reason_labels()}


class MemberCareView(ObjectDetailView):
    """One member's care record: reasons, hardships, visits (the member sees their own)."""

    model = Member

    template_name = "care/member_care.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return f"{self.object.name}的关怀记录"

    def get_breadcrumbs(self):
        crumbs = [CRUMB] if get_scope(self.request.user).has_any_org_perm("member.view") else []
        return crumbs + [(self.object.name, None)]

    def get_extra_context(self):
        member, user = self.object, self.request.user
        return {
            "member": member,
            "reasons": selectors.member_reasons(member),
            "hardships": Hardship.objects.visible_to(user).filter(member=member),
            "visits": CareVisit.objects.visible_to(user).filter(member=member).select_related("recorded_by"),
            "can_record": get_scope(user).covers(member.org.path, "member.change"),
        }


class VisitCreateView(ServiceFormView):
    """登记走访. Opened from a member (?member=) or from the list with the member to choose."""

    form_class = CareVisitForm
    service = services.visit_record
    title = "登记走访慰问"
    submit_label = "登记"
    success_message = "已登记对{result.member.name}的走访"

    required_perm = "member.change"

    def prepare(self):
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


class VisitDeleteView(VisitMixin, ServiceActionView):
    confirm = True
    service = services.visit_delete
    submit_label = "确认删除"
    success_message = "走访记录已删除"

    def get_title(self):
        return f"删除{self.visit.member.name}的{self.visit}记录"

    def get_intro(self):
        return f"确定要删除这条走访记录（走访人：{self.visit.visitors}）吗？删除将记入该党员的记实和审计日志。"

    def get_service_kwargs(self, form):
        return {"visit": self.visit}
