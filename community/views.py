"""Community check-in pages: the home (a member's own check-in; a community's waiting requests and
counts; a unit's members who checked in), the request form, the list, a check-in's page with the
community's actions (confirm, team, service record, yearly rating) and the member's (end), a new
team, and a unit's feedback (两地双向)."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from community import rules, selectors, services
from community.filters import CheckInFilterSet
from community.forms import (
    AssignForm,
    CheckInForm,
    DecideForm,
    RatingForm,
    ServiceRecordForm,
    TeamForm,
)
from community.models import ACTIVE_STATES, CheckIn, CheckInState, ServiceTeam
from community.tables import CheckInTable
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
from orgs.models import Org, OrgLevel, Sector
from orgs.selectors import managed_roots, org_param

CRUMB = ("社区报到", "/community/")
PERM = "regional.change"


@not_generic("a dashboard: the member's own check-in beside a manager's waiting requests and counts")
class CommunityHomeView(MemberOrManagerView):
    title = "在职党员到社区报到"

    manager_perm = "regional.view"

    def get(self, request):
        scope, today = get_scope(request.user), timezone.localdate()
        context: dict = {"title": self.title, "breadcrumbs": [(self.title, None)], "year": today.year}
        if scope.member_id:
            context.update(member=True, mine=CheckIn.objects.filter(member_id=scope.member_id).select_related(
                "community", "team").order_by("-requested_on", "-pk").first(), active=ACTIVE_STATES)
        roots = managed_roots(request.user, "regional.view")
        if roots:
            org, start = roots[0], today.replace(month=1, day=1)
            context.update(org=org, received=selectors.counts(org, "community", start, today),
                           given=selectors.counts(org, "unit", start, today),
                           waiting=CheckIn.objects.visible_to(request.user, "change").filter(
                               community__path__startswith=org.path, state=CheckInState.REQUESTED).count())
        return render(request, "community/home.html", context)


class CheckInRequestView(ServiceFormView):
    form_class = CheckInForm
    service = services.checkin_request
    title = "到社区报到"
    submit_label = "提交报到申请"
    success_message = "已提交，等待社区党组织确认"

    def prepare(self):
        if not get_scope(self.request.user).member_id:
            raise NotFound

    def get_form_kwargs(self):
        return {"communities": Org.objects.filter(level=OrgLevel.COMMUNITY, sector=Sector.COMMUNITY).order_by("path")}

    def get_breadcrumbs(self):
        return [CRUMB, (self.title, None)]

    def get_cancel_url(self):
        return reverse("community:home")


class CheckInListView(ObjectListView):
    required_perm = "regional.view"
    model = CheckIn
    filterset_class = CheckInFilterSet
    table = CheckInTable
    title = "社区报到党员"
    breadcrumbs = [CRUMB, ("报到党员", None)]
    default_order = ("state", "-requested_on", "pk")

    def get_base_queryset(self):
        scope = get_scope(self.request.user)
        return (CheckIn.objects.visible_to(self.request.user, "view")
                .filter(scope.org_q("community__path", "regional.view") | scope.org_q("unit__path", "regional.view"))
                .select_related("member", "unit", "community", "team"))


class CheckInView(ObjectDetailView):
    model = CheckIn
    template_name = "community/checkin.html"

    def get_queryset(self):
        return super().get_queryset().select_related("member", "unit", "community", "team", "decided_by")

    def get_title(self):
        return f"{self.object.member.name} 到{self.object.community.name}报到"

    def get_breadcrumbs(self):
        return [CRUMB, (self.get_title(), None)]

    def get_extra_context(self):
        scope, checkin = get_scope(self.request.user), self.object
        return {"records": list(checkin.records.order_by("-day", "-pk")[:200]),
                "ratings": list(checkin.ratings.order_by("-year")),
                "can_manage": scope.covers(checkin.community.path, PERM),
                "own": scope.member_id == checkin.member_id, "active": checkin.state in ACTIVE_STATES,
                "requested": checkin.state == CheckInState.REQUESTED,
                "confirmed": checkin.state == CheckInState.CONFIRMED}


class _CommunityAction:
    """An action of the community on one check-in (regional.change on the community)."""

    def prepare(self):
        self.checkin = get_object_or_404(CheckIn.objects.visible_to(self.request.user, "view")
                                         .select_related("member", "community"), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.checkin.community.path, PERM):
            raise NotFound

    def get_cancel_url(self):
        return self.checkin.get_absolute_url()

    def get_success_url(self, result):
        return self.checkin.get_absolute_url()

    def get_breadcrumbs(self):
        return [CRUMB, (self.checkin.member.name, self.checkin.get_absolute_url()), (self.get_title(), None)]


class DecideView(_CommunityAction, ServiceFormView):
    form_class = DecideForm
    service = services.checkin_decide
    success_message = "已处理报到申请"

    def get_service_kwargs(self, form):
        return {"checkin": self.checkin, **form.service_kwargs()}

    def get_title(self):
        return f"确认报到：{self.checkin.member.name}"

    def get_intro(self):
        return f"居住地址：{self.checkin.address}"


class AssignView(_CommunityAction, ServiceFormView):
    form_class = AssignForm
    service = services.checkin_assign
    success_message = "已安排服务队"

    def get_form_kwargs(self):
        return {"teams": ServiceTeam.objects.filter(community=self.checkin.community)}

    def get_service_kwargs(self, form):
        return {"checkin": self.checkin, "team": form.cleaned_data["team"]}

    def get_title(self):
        return f"安排服务队：{self.checkin.member.name}"


class RecordAddView(_CommunityAction, ServiceFormView):
    form_class = ServiceRecordForm
    service = services.record_add
    submit_label = "记录"
    success_message = "已记录服务"

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"initial": {"day": timezone.localdate()}}

    def get_service_kwargs(self, form):
        return {"checkin": self.checkin, **form.cleaned_data}

    def get_title(self):
        return f"记录服务：{self.checkin.member.name}"


class RatingView(_CommunityAction, ServiceFormView):
    form_class = RatingForm
    service = services.rating_record
    success_message = "已评价，评价将反馈党员所在党组织"

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"initial": {"year": timezone.localdate().year}}

    def get_service_kwargs(self, form):
        return {"checkin": self.checkin, **form.cleaned_data}

    def get_title(self):
        return f"年度评价：{self.checkin.member.name}"


class EndView(ServiceActionView):
    service = services.checkin_end
    confirm = True
    submit_label = "结束报到"
    success_message = "已结束报到"

    def prepare(self):
        self.checkin = get_object_or_404(CheckIn.objects.visible_to(self.request.user, "view")
                                         .select_related("member", "community"), pk=self.kwargs["pk"])
        scope = get_scope(self.request.user)
        if scope.member_id != self.checkin.member_id and not scope.covers(self.checkin.community.path, PERM):
            raise NotFound

    def get_title(self):
        return f"结束报到：{self.checkin.member.name} · {self.checkin.community.name}"

    def get_intro(self):
        return "结束后，社区不再记录该党员的服务；党员可以到新的居住地社区报到。"

    def get_service_kwargs(self, form):
        return {"checkin": self.checkin}

    def get_cancel_url(self):
        return self.checkin.get_absolute_url()


class TeamCreateView(ServiceFormView):
    form_class = TeamForm
    service = services.team_create
    submit_label = "新建"
    success_message = "已新建服务队：{result}"

    def prepare(self):
        org = org_param(self.request.user, self.request.GET.get("org"), PERM)
        if org is None or not rules.is_community(org):
            raise NotFound
        self.org = org

    def get_service_kwargs(self, form):
        return {"community": self.org, **form.cleaned_data}

    def get_title(self):
        return f"新建服务队（{self.org.name}）"

    def get_success_url(self, result):
        return reverse("community:checkins") + f"?org={self.org.code}"

    def get_cancel_url(self):
        return reverse("community:home")


@not_generic("one unit's members who checked in, with the year's hours and ratings (两地双向)")
class UnitFeedbackView(GenericView):
    def prepare(self):
        self.org = get_object_or_404(Org.objects.granting(self.request.user, "regional.view"), pk=self.kwargs["pk"])

    def get(self, request, pk):
        year = timezone.localdate().year
        context = {"title": f"{self.org.name} 党员社区报到反馈（{year}年）", "org": self.org, "year": year,
                   "breadcrumbs": [CRUMB, (self.org.name, None)],
                   "rows": selectors.unit_feedback(request.user, self.org, year)}
        return render(request, "community/unit.html", context)


