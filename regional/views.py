"""Regional pages: building committees' coverage per district, street and building (from the
summary rows), one building with its units, instructors and orgs served, and the forms that add
a unit, assign an instructor and serve an org without changing its affiliation."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from core.views import GenericView, ObjectDetailView, ServiceFormView, not_generic
from members.models import Member
from orgs.models import Org
from regional import selectors, services
from regional.forms import InstructorForm, ServeForm, UnitForm
from regional.models import Building, BuildingUnit


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
