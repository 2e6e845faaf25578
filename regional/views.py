"""Regional pages: building committees' coverage per district, street and building (from the
summary rows), one building with its units, instructors and orgs served, and the forms that add
a unit, assign an instructor and serve an org without changing its affiliation."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from core.access import get_scope
from core.views import (
    GenericView,
    ObjectDetailView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from members.models import Member
from orgs.models import Org
from regional import cobuilding, selectors, services, villages
from regional.forms import (
    AssessForm,
    InstructorForm,
    ItemForm,
    ReportForm,
    SeatForm,
    ServeForm,
    UnitForm,
)
from regional.models import (
    Building,
    BuildingUnit,
    CoBuildItem,
    CommitteeSeat,
    JointMeeting,
    Village,
)


def _org_by_code(user, code: str, field: str) -> Org | None:
    if not code.strip():
        return None
    org = Org.objects.visible_to(user).filter(code=code.strip()).first()
    if org is None:
        raise ValidationError({field: f"找不到代码为“{code.strip()}”的党组织（或不在您的管理范围内）"})
    return org


@not_generic("a redirect to the first org the user may view regional party building in")
class HomeView(GenericView):
    def get(self, request):
        org = Org.objects.granting(request.user, "regional.view").order_by("path").first()
        if org is None:
            raise Http404
        return redirect("regional:coverage", pk=org.pk)


class CoverageView(ObjectDetailView):
    """楼宇党建覆盖: the org's figures and its children's (district → street → building)."""

    model = Org
    template_name = "regional/coverage.html"

    def get_object(self):
        return get_object_or_404(Org.objects.granting(self.request.user, "regional.view"), pk=self.kwargs["pk"])

    def get_title(self):
        return f"{self.object.name} 楼宇党建覆盖"

    def get_extra_context(self):
        org = self.object
        return {"total": selectors.coverage(org), "rows": selectors.coverage_by_child(org),
                "buildings": Building.objects.visible_to(self.request.user).filter(
                    committee__path__startswith=org.path).select_related("committee")[:200]}


class BuildingView(ObjectDetailView):
    model = Building
    template_name = "regional/building.html"

    def get_queryset(self):
        return super().get_queryset().select_related("committee")

    def get_title(self):
        return f"{self.object.name}（{self.object.committee.name}）"

    def get_extra_context(self):
        building = self.object
        units = building.units.select_related("party_org", "joint_branch").prefetch_related("instructors__member")
        return {"total": selectors.coverage(building.committee), "units": units,
                "served": building.served.select_related("org"),
                "can_change": Building.objects.visible_to(self.request.user, "change").filter(pk=building.pk).exists()}


class BuildingFormMixin:
    def prepare(self):
        self.building = get_object_or_404(Building.objects.visible_to(self.request.user, "change")
                                          .select_related("committee"), pk=self.kwargs["pk"])

    def get_success_url(self, result):
        return self.building.get_absolute_url()

    def get_cancel_url(self):
        return self.building.get_absolute_url()


class UnitAddView(BuildingFormMixin, ServiceFormView):
    form_class = UnitForm
    service = services.unit_add
    success_message = "已登记楼宇单位“{result.name}”"
    error_field_names = {"party_org": "party_org_code", "joint_branch": "joint_branch_code"}

    def get_title(self):
        return f"{self.building.name}：登记单位"

    def get_service_kwargs(self, form):
        data = form.cleaned_data
        return {"building": self.building, "name": data["name"], "kind": data["kind"], "members": data["members"],
                "party_org": _org_by_code(self.request.user, data["party_org_code"], "party_org"),
                "joint_branch": _org_by_code(self.request.user, data["joint_branch_code"], "joint_branch"),
                "reached": data["reached"]}


class ServeView(BuildingFormMixin, ServiceFormView):
    form_class = ServeForm
    service = services.org_serve
    success_message = "已将{result.org.name}纳入服务（隶属关系不变）"
    error_field_names = {"org": "org_code"}

    def get_title(self):
        return f"{self.building.name}：服务不转隶"

    def get_service_kwargs(self, form):
        return {"building": self.building, "org": _org_by_code(self.request.user, form.cleaned_data["org_code"], "org")}


class InstructorView(ServiceFormView):
    form_class = InstructorForm
    service = services.instructor_assign
    success_message = "已派驻党建指导员{result.member.name}"
    error_field_names = {"member": "member_id"}

    def prepare(self):
        self.unit = get_object_or_404(BuildingUnit.objects.visible_to(self.request.user, "change")
                                      .select_related("building__committee"), pk=self.kwargs["pk"])

    def get_title(self):
        return f"{self.unit.name}：派驻党建指导员"

    def get_service_kwargs(self, form):
        member = Member.objects.visible_to(self.request.user).filter(pk=form.cleaned_data["member_id"]).first()
        if member is None:
            raise ValidationError({"member": "找不到这名党员（或不在您的管理范围内）"})
        return {"unit": self.unit, "member": member}

    def get_success_url(self, result):
        return self.unit.building.get_absolute_url()

    def get_cancel_url(self):
        return self.unit.building.get_absolute_url()


# --- difficult villages ----------------------------------------------------------------------------


class VillageCountsView(ObjectDetailView):
    """困难村结对帮扶: the org's difficult villages, paired and graded in a year, per child org."""

    model = Org
    template_name = "regional/villages.html"

    def get_object(self):
        return get_object_or_404(Org.objects.granting(self.request.user, "regional.view"), pk=self.kwargs["pk"])

    def get_title(self):
        return f"{self.object.name} 困难村结对帮扶"

    def get_extra_context(self):
        org, year = self.object, _year(self.request)
        rows = [(child, villages.counts(child, year)) for child in Org.objects.get_children(org)]
        return {"year": year, "total": villages.counts(org, year), "rows": [r for r in rows if r[1]["villages"]],
                "grades": villages.grades(org),
                "list": Village.objects.visible_to(self.request.user).filter(org__path__startswith=org.path)
                .select_related("org")[:200]}


def _year(request) -> int:
    from django.utils import timezone

    value, today = request.GET.get("year", ""), timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= today else today


class VillageView(ObjectDetailView):
    model = Village
    template_name = "regional/village.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "first_secretary")

    def get_title(self):
        return f"{self.object.org.name}（{self.object.get_difficulty_display()}）"

    def get_extra_context(self):
        village = self.object
        scope = get_scope(self.request.user)
        return {"pairings": village.pairings.select_related("unit_org"), "tasks": village.tasks.all(),
                "reports": village.reports.select_related("task")[:50], "assessments": village.assessments.all(),
                "can_change": scope.covers(village.org.path, "regional.change"),
                "can_assess": scope.covers_above(village.org.path, "regional.change")}


class ReportView(ServiceFormView):
    form_class = ReportForm
    service = villages.report_add
    success_message = "已报告帮扶进展"
    submit_label = "提交"
    error_field_names = {"text": "text", "task": "task", "file": "file"}

    def prepare(self):
        self.village = get_object_or_404(Village.objects.visible_to(self.request.user, "change")
                                         .select_related("org"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"village": self.village}

    def get_title(self):
        return f"{self.village.org.name}：报告帮扶进展"

    def get_service_kwargs(self, form):
        data = form.cleaned_data
        task = self.village.tasks.filter(pk=data["task"]).first() if data["task"] else None
        return {"village": self.village, "text": data["text"], "task": task, "upload": data["file"],
                "done": data["done"]}

    def get_success_url(self, result):
        return reverse("regional:village", args=[self.village.pk])

    def get_cancel_url(self):
        return reverse("regional:village", args=[self.village.pk])


class AssessView(ServiceFormView):
    form_class = AssessForm
    service = villages.assess
    success_message = "已记录{result.year}年度考核：{result.grade}"

    def prepare(self):
        village = get_object_or_404(Village.objects.visible_to(self.request.user).select_related("org"),
                                    pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers_above(village.org.path, "regional.change"):
            raise Http404
        self.village = village

    def get_form_kwargs(self):
        return {"grades": villages.grades(self.village.org)}

    def get_title(self):
        return f"{self.village.org.name}：年度考核"

    def get_service_kwargs(self, form):
        return {"village": self.village, **form.cleaned_data}

    def get_success_url(self, result):
        return reverse("regional:village", args=[self.village.pk])

    def get_cancel_url(self):
        return reverse("regional:village", args=[self.village.pk])


# --- expanded committees and co-building -----------------------------------------------------------


class CoBuildingView(ObjectDetailView):
    """共驻共建: the org's part-time members, joint meetings and three lists, and its subtree's
    figures per child org (district → street → community)."""

    model = Org
    template_name = "regional/cobuilding.html"

    def get_object(self):
        return get_object_or_404(Org.objects.granting(self.request.user, "regional.view"), pk=self.kwargs["pk"])

    def get_title(self):
        return f"{self.object.name} 共驻共建"

    def get_extra_context(self):
        org = self.object
        rows = [(child, cobuilding.counts(child)) for child in Org.objects.get_children(org)]
        return {"total": cobuilding.counts(org), "rows": [r for r in rows if any(r[1].values())],
                "seats": CommitteeSeat.objects.filter(org=org).select_related("member"),
                "meetings": JointMeeting.objects.filter(org=org)[:20],
                "items": CoBuildItem.objects.filter(org=org)[:200],
                "can_change": org.level in cobuilding.LEVELS
                and get_scope(self.request.user).covers(org.path, "regional.change")}


class CoBuildingFormMixin:
    def prepare(self):
        self.org = get_object_or_404(Org.objects.granting(self.request.user, "regional.change"), pk=self.kwargs["pk"])

    def get_success_url(self, result):
        return reverse("regional:cobuilding", args=[self.org.pk])

    def get_cancel_url(self):
        return reverse("regional:cobuilding", args=[self.org.pk])


class SeatAddView(CoBuildingFormMixin, ServiceFormView):
    form_class = SeatForm
    service = cobuilding.seat_add
    success_message = "已增补兼职委员{result.member.name}"
    error_field_names = {"member": "member_id"}

    def get_title(self):
        return f"{self.org.name}：增补兼职委员"

    def get_service_kwargs(self, form):
        data = form.cleaned_data
        member = Member.objects.visible_to(self.request.user).filter(pk=data["member_id"]).first()
        if member is None:
            raise ValidationError({"member": "找不到这名党员（或不在您的管理范围内）"})
        return {"org": self.org, "partner_unit": data["partner_unit"], "member": member, "post": data["post"]}


class ItemAddView(CoBuildingFormMixin, ServiceFormView):
    form_class = ItemForm
    service = cobuilding.item_add
    success_message = "已登记“{result.title}”"

    def get_title(self):
        return f"{self.org.name}：登记共驻共建清单"

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}


class ProjectCompleteView(ServiceActionView):
    service = cobuilding.project_complete
    success_message = "项目“{result.title}”已办结"

    def prepare(self):
        self.item = get_object_or_404(CoBuildItem.objects.visible_to(self.request.user, "change"), pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"item": self.item}

    def get_back_url(self):
        return reverse("regional:cobuilding", args=[self.item.org_id])

    def get_success_url(self, result):
        return self.get_back_url()
