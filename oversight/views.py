"""Oversight pages: the home (figures per child org, the items to rectify and to accept, the items
escalated here), the guidance plans, the supervision teams and their visits (a visit is recorded
on a phone), the inspections, the rectification ledger with each item's rounds of evidence, and
the rectification plan of a subtree (open problems by district and by sector)."""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from core import audit, files
from core.access import get_scope
from core.errors import NotFound
from core.views import GenericView, ObjectDetailView, ObjectListView, ServiceFormView, not_generic
from orgs.selectors import children, org_or_first_root
from oversight import bulletins, selectors, services
from oversight.filters import (
    BulletinFilterSet,
    InspectionFilterSet,
    ItemFilterSet,
    PlanFilterSet,
    TeamFilterSet,
    VisitFilterSet,
)
from oversight.forms import (
    AcceptForm,
    BulletinEditForm,
    BulletinForm,
    BulletinPublishForm,
    BulletinRegenerateForm,
    EvidenceForm,
    InspectionForm,
    ItemForm,
    PlanForm,
    ReturnForm,
    TeamForm,
    VisitForm,
)
from oversight.models import (
    Bulletin,
    Evidence,
    GuidancePlan,
    Inspection,
    ItemState,
    RectificationItem,
    SupervisionTeam,
    Visit,
)
from oversight.tables import (
    BulletinTable,
    InspectionTable,
    ItemTable,
    PlanTable,
    TeamTable,
    VisitTable,
)

CRUMB = ("督导考核", "/oversight/")
VIEW, CHANGE, INSPECT = "oversight.view", "oversight.change", "oversight.inspect"


def _root(request, perm: str = VIEW):
    """The org a page is about: ``?org=`` among the orgs the user holds ``perm`` on, else the
    first such org; 404 when there is none."""
    return org_or_first_root(request.user, request.GET.get("org"), perm)


@not_generic("a dashboard: figures per child org, the user's items to rectify and to accept")
class HomeView(GenericView):
    title = "督导考核"
    required_perm = VIEW

    def prepare(self):
        self.org = _root(self.request)

    def get(self, request):
        today, user = timezone.localdate(), request.user
        rows = children(self.org, user)
        figures = selectors.children_counts([self.org, *rows], today.replace(month=1, day=1), today)
        live = selectors.open_counts(user, [self.org, *rows])
        scope = get_scope(user)
        return render(request, "oversight/home.html", {
            "title": self.title, "breadcrumbs": [(self.title, None)], "org": self.org, "year": today.year,
            "total": {**figures[self.org.pk], **live[self.org.pk]},
            "rows": [(child, {**figures[child.pk], **live[child.pk]}) for child in rows],
            "to_rectify": list(selectors.to_rectify(user)[:20]), "to_accept": list(selectors.to_accept(user)[:20]),
            "escalated": list(selectors.escalated_to(user, self.org)[:20]),
            "can_change": scope.covers(self.org.path, CHANGE), "can_inspect": scope.covers(self.org.path, INSPECT)})


@not_generic("the rectification plan: open problems of a subtree by child org and by sector")
class RectificationPlanView(GenericView):
    title = "整改清单"
    required_perm = VIEW

    def prepare(self):
        self.org = _root(self.request)

    def get(self, request):
        return render(request, "oversight/plan_rectification.html", {
            "title": f"整改清单（{self.org.name}）", "breadcrumbs": [CRUMB, ("整改清单", None)], "org": self.org,
            **selectors.rectification_plan(request.user, self.org)})


# --- guidance plans --------------------------------------------------------------------------------

class PlanListView(ObjectListView):
    required_perm = VIEW
    model = GuidancePlan
    filterset_class = PlanFilterSet
    table = PlanTable
    title = "分领域指导方案"
    breadcrumbs = [CRUMB, ("指导方案", None)]
    template_name = "oversight/plans.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(CHANGE)}


class PlanView(ObjectDetailView):
    model = GuidancePlan
    template_name = "oversight/plan.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, ("指导方案", reverse("oversight:plans")), (self.object.title, None)]

    def get_extra_context(self):
        return {"items": list(self.object.items.all()),
                "can_change": get_scope(self.request.user).covers(self.object.org.path, CHANGE)}


class PlanFormView(ServiceFormView):
    form_class = PlanForm
    service = services.plan_save
    success_message = "已保存指导方案：{result}"

    def prepare(self):
        self.plan = None
        if "pk" in self.kwargs:
            self.plan = get_object_or_404(GuidancePlan.objects.visible_to(self.request.user, "change")
                                          .select_related("org"), pk=self.kwargs["pk"])
            self.org = self.plan.org
        else:
            self.org = _root(self.request, CHANGE)

    def get_form_kwargs(self):
        if self.request.method == "POST" or self.plan is None:
            return {}
        plan = self.plan
        return {"initial": {"sector": plan.sector, "year": plan.year, "title": plan.title,
                            "items": "\n".join(plan.items.values_list("text", flat=True))}}

    def get_service_kwargs(self, form):
        return {"org": self.org, "plan": self.plan, **form.cleaned_data}

    def get_title(self):
        return f"修改指导方案：{self.plan.title}" if self.plan else f"制定指导方案（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("指导方案", reverse("oversight:plans")), (self.get_title(), None)]

    def get_cancel_url(self):
        return self.plan.get_absolute_url() if self.plan else reverse("oversight:plans")


# --- supervision teams and visits ----------------------------------------------------------------

class TeamListView(ObjectListView):
    required_perm = VIEW
    model = SupervisionTeam
    filterset_class = TeamFilterSet
    table = TeamTable
    title = "督导组"
    breadcrumbs = [CRUMB, ("督导组", None)]
    template_name = "oversight/teams.html"
    default_order = ("-formed_on", "pk")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(CHANGE)}


class TeamView(ObjectDetailView):
    model = SupervisionTeam
    template_name = "oversight/team.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return self.object.name

    def get_breadcrumbs(self):
        return [CRUMB, ("督导组", reverse("oversight:teams")), (self.object.name, None)]

    def get_extra_context(self):
        team = self.object
        return {"targets": list(team.targets.select_related("org")),
                "visits": list(team.visits.select_related("org")[:100]),
                "can_change": get_scope(self.request.user).covers(team.org.path, CHANGE)}


class TeamFormView(ServiceFormView):
    form_class = TeamForm
    service = services.team_form
    success_message = "已组建督导组：{result}"
    submit_label = "组建"

    def prepare(self):
        self.org = _root(self.request, CHANGE)

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        return {"org": self.org, **data, "targets": selectors.orgs_named(self.org, data["targets"])}

    def get_title(self):
        return f"组建督导组（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("督导组", reverse("oversight:teams")), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("oversight:teams")


class VisitFormView(ServiceFormView):
    """A visit, on a phone: first the team's assigned org (a list to tap), then its checklist."""

    form_class = VisitForm
    service = services.visit_record
    template_name = "oversight/visit_form.html"
    submit_label = "保存督导记录"
    success_message = "已记录督导情况"

    def prepare(self):
        self.team = get_object_or_404(SupervisionTeam.objects.visible_to(self.request.user, "change")
                                      .select_related("org"), pk=self.kwargs["pk"])
        self.targets = list(self.team.targets.select_related("org"))
        wanted = self.request.GET.get("org", "")
        self.org = next((t.org for t in self.targets if str(t.org_id) == wanted), None)
        if wanted and self.org is None:
            raise NotFound
        self.checklist = selectors.checklist_for(self.org, timezone.localdate().year) if self.org else []

    def get_form_kwargs(self):
        return {"checklist": self.checklist}

    def get_service_kwargs(self, form):
        return {"team": self.team, "org": self.org, "day": form.cleaned_data["day"],
                "findings": form.cleaned_data["findings"], "checks": form.checks(),
                "upload": form.cleaned_data.get("file")}

    def post(self, request, *args, **kwargs):
        if self.org is None:
            raise NotFound
        return super().post(request, *args, **kwargs)

    def get_title(self):
        return f"督导记录：{self.org.name}" if self.org else f"督导记录：选择{self.team.name}的督导对象"

    def get_breadcrumbs(self):
        return [CRUMB, (self.team.name, self.team.get_absolute_url()), ("督导记录", None)]

    def get_cancel_url(self):
        return self.team.get_absolute_url()

    def get_extra_context(self):
        return {"team": self.team, "targets": self.targets, "org": self.org,
                "plan": selectors.plan_for(self.org, timezone.localdate().year) if self.org else None}


class VisitListView(ObjectListView):
    required_perm = VIEW
    model = Visit
    filterset_class = VisitFilterSet
    table = VisitTable
    title = "督导记录"
    breadcrumbs = [CRUMB, ("督导记录", None)]
    default_order = ("-day", "-pk")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org", "team")


class VisitView(ObjectDetailView):
    model = Visit
    template_name = "oversight/visit.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "team", "recorded_by")

    def get_title(self):
        return f"督导记录：{self.object.org.name}（{self.object.day:%Y-%m-%d}）"

    def get_breadcrumbs(self):
        return [CRUMB, (self.object.team.name, self.object.team.get_absolute_url()), ("督导记录", None)]

    def get_extra_context(self):
        return {"checks": list(self.object.checks.select_related("item"))}


@not_generic("a visit's photo, served as an attachment after the scope check")
class VisitFileView(GenericView):
    def get(self, request, pk):
        visit = get_object_or_404(Visit.objects.visible_to(request.user, "view").exclude(file=""), pk=pk)
        return files.attachment(visit.file, visit.file_name, visit.file_type)


# --- inspections and the rectification ledger ------------------------------------------------------

class InspectionListView(ObjectListView):
    required_perm = VIEW
    model = Inspection
    filterset_class = InspectionFilterSet
    table = InspectionTable
    title = "巡查"
    breadcrumbs = [CRUMB, ("巡查", None)]
    template_name = "oversight/inspections.html"
    default_order = ("-year", "-half", "-started_on", "-pk")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")

    def get_extra_context(self):
        return {"can_inspect": get_scope(self.request.user).has_any_org_perm(INSPECT)}


class InspectionView(ObjectDetailView):
    model = Inspection
    template_name = "oversight/inspection.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, ("巡查", reverse("oversight:inspections")), (self.object.title, None)]

    def get_extra_context(self):
        inspection = self.object
        return {"targets": list(inspection.targets.select_related("org")),
                "items": list(inspection.items.select_related("org", "escalated_to").order_by("state", "deadline")),
                "can_inspect": get_scope(self.request.user).covers(inspection.org.path, INSPECT)}


class InspectionFormView(ServiceFormView):
    form_class = InspectionForm
    service = services.inspection_start
    success_message = "已开始巡查：{result}"
    submit_label = "开始巡查"

    def prepare(self):
        self.org = _root(self.request, INSPECT)

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        return {"org": self.org, **data, "targets": selectors.orgs_named(self.org, data["targets"])}

    def get_title(self):
        return f"开始巡查（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("巡查", reverse("oversight:inspections")), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("oversight:inspections")


class ItemAddView(ServiceFormView):
    """记录问题: a problem found at one of the inspection's targets (on a phone, on site)."""

    form_class = ItemForm
    service = services.item_add
    success_message = "已记录问题，整改单位可以看到并提交整改材料"
    submit_label = "记录问题"

    def prepare(self):
        self.inspection = get_object_or_404(Inspection.objects.visible_to(self.request.user, "inspect")
                                            .select_related("org"), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.inspection.org.path, INSPECT):
            raise NotFound
        self.targets = [t.org for t in self.inspection.targets.select_related("org")]

    def get_form_kwargs(self):
        return {"targets": self.targets}

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        org = next(o for o in self.targets if o.pk == data.pop("org"))
        return {"inspection": self.inspection, "org": org, **data}

    def get_success_url(self, result):
        return self.inspection.get_absolute_url()

    def get_title(self):
        return f"记录问题：{self.inspection.title}"

    def get_breadcrumbs(self):
        return [CRUMB, (self.inspection.title, self.inspection.get_absolute_url()), ("记录问题", None)]

    def get_cancel_url(self):
        return self.inspection.get_absolute_url()


class ItemListView(ObjectListView):
    required_perm = VIEW
    model = RectificationItem
    filterset_class = ItemFilterSet
    table = ItemTable
    title = "整改台账"
    breadcrumbs = [CRUMB, ("整改台账", None)]
    default_order = ("deadline", "pk")
    export_action = "view"
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org", "inspection", "escalated_to")


class ItemView(ObjectDetailView):
    model = RectificationItem
    template_name = "oversight/item.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "inspection__org", "escalated_to", "found_by")

    def get_title(self):
        return f"整改事项：{self.object.org.name}"

    def get_breadcrumbs(self):
        return [CRUMB, ("整改台账", reverse("oversight:items")), (f"{self.object.org.name}", None)]

    def get_extra_context(self):
        scope, item = get_scope(self.request.user), self.object
        return {"rounds": list(item.evidence.select_related("submitted_by", "decided_by")),
                "can_submit": item.state in (ItemState.OPEN, ItemState.RETURNED) and scope.covers(item.org.path, CHANGE),
                "can_decide": item.state == ItemState.SUBMITTED and scope.covers(item.inspection.org.path, INSPECT),
                "show_inspection": scope.covers(item.inspection.org.path, VIEW)}


class _ItemAction(ServiceFormView):
    """An action on one rectification item the user sees; ``perm`` on the org that acts (the
    rectifying org submits, the inspecting org decides)."""

    inspector = True

    def prepare(self):
        self.item = get_object_or_404(RectificationItem.objects.visible_to(self.request.user, "view")
                                      .select_related("org", "inspection__org"), pk=self.kwargs["pk"])
        org, perm = (self.item.inspection.org, INSPECT) if self.inspector else (self.item.org, CHANGE)
        if not get_scope(self.request.user).covers(org.path, perm):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"item": self.item, **form.cleaned_data}

    def get_success_url(self, result):
        return self.item.get_absolute_url()

    def get_cancel_url(self):
        return self.item.get_absolute_url()

    def get_intro(self):
        return f"{self.item.org.name}：{self.item.problem}（佐证要求：{self.item.evidence_required}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("整改台账", reverse("oversight:items")), (self.item.org.name, self.item.get_absolute_url()),
                (self.get_title(), None)]


class EvidenceSubmitView(_ItemAction):
    inspector = False
    form_class = EvidenceForm
    service = services.evidence_submit
    submit_label = "提交验收"
    success_message = "已提交整改材料，等待验收"

    def get_service_kwargs(self, form):
        return {"item": self.item, "text": form.cleaned_data["text"], "upload": form.cleaned_data.get("file")}

    def get_title(self):
        return "提交整改材料"


class ReturnView(_ItemAction):
    form_class = ReturnForm
    service = services.evidence_return
    submit_label = "退回重改"
    success_message = "已退回，整改单位须重新整改后再提交"

    def get_title(self):
        return "退回整改材料"


class AcceptView(_ItemAction):
    form_class = AcceptForm
    service = services.evidence_accept
    submit_label = "验收通过并销号"
    success_message = "已验收销号"

    def get_title(self):
        return "验收销号"


@not_generic("a round's evidence file, served as an attachment after the scope check")
class EvidenceFileView(GenericView):
    def get(self, request, pk):
        evidence = get_object_or_404(Evidence.objects.visible_to(request.user, "view").exclude(file=""), pk=pk)
        return files.attachment(evidence.file, evidence.file_name, evidence.file_type)


# --- quarterly bulletins -------------------------------------------------------------------------------

class BulletinListView(ObjectListView):
    required_perm = VIEW
    model = Bulletin
    filterset_class = BulletinFilterSet
    table = BulletinTable
    title = "季度通报"
    breadcrumbs = [CRUMB, ("季度通报", None)]
    template_name = "oversight/bulletins.html"
    default_order = ("-year", "-quarter", "pk")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(CHANGE)}


class BulletinGenerateView(ServiceFormView):
    form_class = BulletinForm
    service = services.bulletin_generate
    success_message = "已生成通报草稿：{result}"
    submit_label = "生成通报"
    intro = "按本单位及下级党组织的系统记录生成，生成后可修改文字，印发前可重新生成。"

    def prepare(self):
        self.org = _root(self.request, CHANGE)

    def get_form_kwargs(self):
        year, quarter = bulletins.last_quarter(timezone.localdate())
        return {"initial": {"year": year, "quarter": quarter}}

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_title(self):
        return f"生成季度通报（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("季度通报", reverse("oversight:bulletins")), (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("oversight:bulletins")


class BulletinView(ObjectDetailView):
    model = Bulletin
    template_name = "oversight/bulletin.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "published_by")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, ("季度通报", reverse("oversight:bulletins")), (self.object.title, None)]

    def get_extra_context(self):
        bulletin = self.object
        tables = [bulletins.table_rows(section) for section in bulletin.sections]
        # Each cell with its column's header: the phone layout shows a row as labelled lines.
        return {"sections": [(section, table[0], [list(zip(table[0], row, strict=True)) for row in table[1:]])
                             for section, table in zip(bulletin.sections, tables, strict=True)],
                "can_change": bulletin.draft and get_scope(self.request.user).covers(bulletin.org.path, CHANGE)}


class _BulletinAction(ServiceFormView):
    """An action on a draft bulletin of an org the user may change (oversight.change)."""

    def prepare(self):
        self.bulletin = get_object_or_404(Bulletin.objects.visible_to(self.request.user, "change")
                                          .select_related("org"), pk=self.kwargs["pk"])

    def get_cancel_url(self):
        return self.bulletin.get_absolute_url()

    def get_breadcrumbs(self):
        return [CRUMB, ("季度通报", reverse("oversight:bulletins")),
                (self.bulletin.title, self.bulletin.get_absolute_url()), (self.get_title(), None)]


class BulletinEditView(_BulletinAction):
    form_class = BulletinEditForm
    service = services.bulletin_edit
    success_message = "已保存通报文字"

    def get_form_kwargs(self):
        kwargs = {"sections": self.bulletin.sections}
        if self.request.method != "POST":
            bulletin = self.bulletin
            kwargs["initial"] = {"title": bulletin.title, "intro": bulletin.intro, "closing": bulletin.closing,
                                 **{f"text_{s['key']}": s["text"] for s in bulletin.sections}}
        return kwargs

    def get_service_kwargs(self, form):
        data = form.cleaned_data
        return {"bulletin": self.bulletin, "title": data["title"], "intro": data["intro"],
                "closing": data["closing"], "texts": form.texts()}

    def get_title(self):
        return "修改通报文字"


class BulletinRegenerateView(_BulletinAction):
    form_class = BulletinRegenerateForm
    service = services.bulletin_generate
    success_message = "已按最新记录重新统计；各部分的文字已按新数据重写，标题、导语和下步要求保留"
    submit_label = "重新生成"

    def get_intro(self):
        return "按最新的系统记录重新统计各项数据；各部分的文字按新数据重写（修改过的要重新修改），标题、导语和下步要求保留。"

    def get_service_kwargs(self, form):
        return {"org": self.bulletin.org, "year": self.bulletin.year, "quarter": self.bulletin.quarter}

    def get_title(self):
        return "重新生成通报"


class BulletinPublishView(_BulletinAction):
    form_class = BulletinPublishForm
    service = services.bulletin_publish
    success_message = "已印发通报"
    submit_label = "印发"

    def get_intro(self):
        return "印发后通报不再修改，也不能重新生成；可下载 Word 和 PDF 文件。"

    def get_service_kwargs(self, form):
        return {"bulletin": self.bulletin, **form.cleaned_data}

    def get_title(self):
        return "印发通报"


FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}


@not_generic("a bulletin as a .docx or PDF file, after the scope check; audited as an export")
class BulletinFileView(GenericView):
    def get(self, request, pk, kind):
        if kind not in FORMATS:
            raise NotFound
        bulletin = get_object_or_404(Bulletin.objects.visible_to(request.user, "view").select_related("org"), pk=pk)
        content = (bulletins.docx_bytes if kind == "docx" else bulletins.pdf_bytes)(bulletin)
        with transaction.atomic():
            audit.record("export", obj=bulletin, changes={"bulletin": bulletin.pk, "format": kind})
        response = HttpResponse(content, content_type=FORMATS[kind])
        response["Content-Disposition"] = (
            f'attachment; filename="bulletin-{bulletin.org.code}-{bulletin.year}q{bulletin.quarter}.{kind}"')
        return response
