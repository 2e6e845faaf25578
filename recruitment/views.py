"""Recruitment pages: the list, the case page (a timeline of the 25 steps), one form per step,
notices and objections, extension / cancellation / closing, the warnings and plans rolled up the
tree, the record sheet (print and .docx), and the public notice board (no login)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import audit, workdays
from core.access import get_scope
from core.paging import paginate
from core.views import (
    MAX_EXPORT_ROWS,
    ObjectDetailView,
    ObjectListView,
    ServiceFormView,
    csv_safe,
    not_generic,
)
from orgs.models import Org
from orgs.selectors import org_param
from recruitment import documents, forms, rules, selectors, services
from recruitment.filters import CaseFilterSet
from recruitment.models import EARMARKED, Case, Notice, Objection, Plan, Stage
from recruitment.tables import CaseTable

CRUMB = ("发展党员", "/recruitment/")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class CaseListView(ObjectListView):
    model = Case
    filterset_class = CaseFilterSet
    table = CaseTable
    title = "发展党员"
    template_name = "recruitment/case_list.html"
    export_action = "view"
    export_formats = ("csv", "xlsx")
    breadcrumbs = [("发展党员", None)]
    default_order = ("-applied", "-pk")

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_extra_context(self):
        return {"can_create": get_scope(self.request.user).has_any_org_perm("recruitment.change")}

    def export_xlsx(self, request, queryset):
        """The filtered list as .xlsx (no ID or phone numbers), audited like the CSV export."""
        from openpyxl import Workbook  # about 0.4 s to import: loaded for an export only

        queryset = self.scope_export(queryset).select_related("org")
        total = queryset.count()
        if total > MAX_EXPORT_ROWS:
            messages.error(request, f"导出行数 {total} 超过上限 {MAX_EXPORT_ROWS}，请先筛选")
            return redirect(request.path)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("发展党员")
        columns = [c for c in self.table.columns if c.export]
        sheet.append([c.header for c in columns])
        for case in queryset.iterator(chunk_size=2000):
            sheet.append([csv_safe(c.value(case)) for c in columns])
        out = io.BytesIO()
        workbook.save(out)
        with transaction.atomic():
            audit.record("export", object_type="recruitment.case",
                         changes={"rows": total, "filters": request.GET.urlencode()[:500], "format": "xlsx"})
        return _attachment(out.getvalue(), XLSX_TYPE, f"recruitment-{timezone.localtime():%Y%m%d%H%M}.xlsx")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _crumbs(case: Case, label: str | None = None) -> list:
    return [CRUMB, (case.name, case.get_absolute_url() if label else None)] + ([(label, None)] if label else [])


class CaseDetailView(ObjectDetailView):
    """The case page: a timeline of the 25 steps, the deadlines, people and objections."""

    template_name = "recruitment/case_detail.html"

    def get_queryset(self):
        return selectors.cases(self.request.user).select_related("member")

    def get_title(self):
        return f"发展党员：{self.object.name}"

    def get_breadcrumbs(self):
        return _crumbs(self.object)

    def get_extra_context(self):
        case = self.object
        hist = selectors.history(case)
        today = timezone.localdate()
        deadlines = [(d, d.level(today)) for d in rules.deadlines(case, hist)]
        scope = get_scope(self.request.user)
        return {
            "case": case, "hist": hist,
            "timeline": selectors.timeline(case, hist, today),
            "stages": Stage.choices,
            "deadlines": [(d, level, rules.STEP[d.step]) for d, level in deadlines if level != "green"],
            "people": case.people.select_related("member", "step"),
            "objections": list(case.objections.all()),
            "calendar_notes": {n.pk: workdays.missing_note(n.starts_on, n.ends_on) for n in hist.notices},
            "can_change": scope.covers(case.org.path, "recruitment.change"),
            "can_approve": scope.covers_above(case.org.path, "recruitment.approve"),
            "member_visible": bool(case.member_id and scope.covers(case.org.path, "member.view")),
            "age": case.age_on(today),
            "today": today,
            "leaving": rules.leaving_warning(case, today),
        }


class CasePrintView(CaseDetailView):
    """The whole-process record sheet (发展党员全程纪实表), printable (ID number masked)."""

    template_name = "recruitment/case_print.html"


@not_generic("a file download: the record sheet as .docx (audited)")
@login_required
def case_docx(request, pk):
    """The same record sheet as a Word document (ID number masked); the download is audited."""
    case = get_object_or_404(selectors.cases(request.user).select_related("member"), pk=pk)
    content = documents.record_sheet(case, selectors.history(case))
    with transaction.atomic():
        audit.record("export", obj=case, changes={"format": "docx", "document": "发展党员全程纪实表"})
    return _attachment(content, DOCX_TYPE, f"recruitment-{case.pk}.docx")


class CaseCreateView(ServiceFormView):
    required_perm = "recruitment.change"
    form_class = forms.CaseForm
    service = services.case_create
    title = "登记入党申请"
    submit_label = "建立记录"
    intro = "年满十八岁方可申请入党（细则第五条）。收到申请书后一个月内应派人谈话（细则第七条）。"
    success_message = "已建立{result.name}的发展党员记录（第1步：递交入党申请书）"

    def get_form_kwargs(self):
        return {"user": self.request.user}

    def get_cancel_url(self):
        return reverse("recruitment:list")


class CaseFormView(ServiceFormView):
    """A form on one case (found through the user's scope, 404 otherwise), back to the case.
    ``label`` is the last breadcrumb."""

    label = ""

    def prepare(self):
        self.case = get_object_or_404(selectors.cases(self.request.user).select_related("member"),
                                      pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"case": self.case, **form.cleaned_data}

    def get_success_url(self, result):
        return self.case.get_absolute_url()

    def get_cancel_url(self):
        return self.case.get_absolute_url()

    def get_breadcrumbs(self):
        return _crumbs(self.case, self.label or self.get_title())


class StepView(CaseFormView):
    """One of steps 2–25; the form and the service follow the step's kind (rules.STEP)."""

    submit_label = "登记"

    def prepare(self):
        super().prepare()
        number = self.kwargs["number"]
        if number not in rules.STEP or number == 1:
            raise Http404
        self.number, self.step = number, rules.STEP[number]
        self.form_class = forms.step_form_class(number)
        self.label = f"{self.step.circled} {self.step.label}"

    def get_title(self):
        return f"{self.label}：{self.case.name}"

    def get_intro(self):
        return f"依据：{self.step.article}。" + ("本步骤由上级党委办理。" if self.step.upper else "")

    def get_form_kwargs(self):
        extra = {}
        if self.form_class is forms.PeopleStepForm:
            extra = {"case": self.case, "user": self.request.user, "number": self.number}
        elif self.form_class is forms.PlacementStepForm:
            extra = {"case": self.case}
        if self.step.form == "vote":
            roster = selectors.entitled_voters(self.case, timezone.localdate())
            extra["initial"] = {"entitled": roster}
            extra["roster"] = roster
        elif self.step.form == "prereview":
            extra["initial"] = {"received_on": selectors.history(self.case).first(12)}
        return extra

    def call_service(self, form):
        actor, case, number, kind = self.request.user, self.case, self.number, self.step.form
        if kind == "review":
            return services.review_record(actor=actor, case=case, **form.service_kwargs())
        if kind == "prereview":
            return services.prereview_record(actor=actor, case=case, **form.cleaned_data)
        if kind == "vote":
            return services.vote_record(actor=actor, case=case, purpose=number, **form.cleaned_data)
        return services.step_record(actor=actor, case=case, number=number, **form.service_kwargs())

    def get_success_message(self, result):
        return f"已登记{rules.step_label(self.number)}"


class NoticeCreateView(CaseFormView):
    form_class = forms.NoticeForm
    service = services.notice_publish
    label = "发布公示"
    submit_label = "发布"
    intro = "公示在党务公开栏和平台公示页面发布，只显示姓名、党支部、公示事项和公示期。"
    success_message = "已发布公示"

    def get_title(self):
        return f"发布公示：{self.case.name}"

    def get_success_message(self, result):
        note = workdays.missing_note(result.starts_on, result.ends_on)
        return f"已发布公示（{result.workdays}个工作日）" + (f"。注意：{note}" if note else "")

    def get_form_kwargs(self):
        upcoming = next((k for k in (3, 7, 17, 24) if not selectors.history(self.case).done(k)), 3)
        return {"initial": {"kind": upcoming}}


class ObjectionCreateView(CaseFormView):
    form_class = forms.ObjectionForm
    service = services.objection_add
    label = "登记反映的问题"
    success_message = "已登记反映的问题；核查办结前不能进行下一步"

    def prepare(self):
        self.notice = get_object_or_404(Notice.objects.visible_to(self.request.user)
                                        .select_related("case", "case__org"), pk=self.kwargs["pk"])
        self.case = self.notice.case

    def get_title(self):
        return f"登记反映的问题：{self.notice}"

    def get_service_kwargs(self, form):
        return {"notice": self.notice, **form.cleaned_data}


class ObjectionResolveView(CaseFormView):
    form_class = forms.ResolveForm
    service = services.objection_resolve
    title = "核查办结"
    success_message = "已办结"

    def prepare(self):
        self.objection = get_object_or_404(Objection.objects.visible_to(self.request.user)
                                           .select_related("case", "case__org"), pk=self.kwargs["pk"])
        self.case = self.objection.case

    def get_intro(self):
        return f"反映的问题：{self.objection.text}"

    def get_service_kwargs(self, form):
        return {"objection": self.objection, **form.cleaned_data}


class CaseExtendView(CaseFormView):
    form_class = forms.ExtendForm
    service = services.case_extend
    label = "延长预备期"
    intro = "经支部党员大会讨论、上级党委批准。"
    success_message = "已延长预备期"

    def get_title(self):
        return f"延长预备期：{self.case.name}"


class CaseEndView(CaseFormView):
    """Cancel a probationary membership (upper committee) or close a case before admission."""

    form_class = forms.EndForm

    def prepare(self):
        super().prepare()
        self.cancel = self.kwargs["action"] == "cancel"
        self.label = "取消预备党员资格" if self.cancel else "终止发展"

    @property
    def submit_label(self):
        return self.label

    def get_title(self):
        return f"{self.label}：{self.case.name}"

    def get_form_kwargs(self):
        return {"cancel": self.cancel}

    def call_service(self, form):
        data, actor = form.cleaned_data, self.request.user
        if self.cancel:
            return services.case_cancel(actor=actor, case=self.case, assembly_on=data["assembly_on"],
                                        decided_on=data["day"], reason=data["reason"])
        return services.case_close(actor=actor, case=self.case, closed_on=data["day"], reason=data["reason"])

    def get_success_message(self, result):
        return f"已{self.label}"


# --- roll-ups up the tree -------------------------------------------------------------------------


class RollupView(ObjectDetailView):
    """A roll-up page about one org: ``?org=`` (id or code) among the orgs granting
    recruitment.view, by default the user's first top org."""

    required_perm = "recruitment.view"
    model = Org

    def get_object(self):
        self.roots = selectors.roots(self.request.user)
        return org_param(self.request.user, self.request.GET.get("org"), "recruitment.view") or self.roots[0]


class WarningsView(RollupView):
    title = "发展党员预警"
    breadcrumbs = [CRUMB, ("预警", None)]
    template_name = "recruitment/warnings.html"

    def get_extra_context(self):
        org, user = self.object, self.request.user
        return {"org": org, "roots": self.roots, "rollup": selectors.warning_rollup(org, user),
                "page": paginate(self.request, selectors.overdue_cases(org, user).select_related("org"))}


class PlansView(RollupView):
    breadcrumbs = [CRUMB, ("年度计划", None)]
    template_name = "recruitment/plans.html"

    def year(self) -> int:
        year = self.request.GET.get("year", "")
        return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year

    def get_title(self):
        return f"{self.year()}年发展党员计划执行情况"

    def get_extra_context(self):
        year = self.year()
        return {"org": self.object, "roots": self.roots, "year": year,
                "progress": selectors.plan_progress(self.object, self.request.user, year),
                "can_edit": get_scope(self.request.user).has_any_org_perm("recruitment.change"),
                "categories": [c.label for c in EARMARKED]}


class PlanEditView(ServiceFormView):
    """The annual plan of one party committee; ``?org=&year=`` opens an existing one."""

    required_perm = "recruitment.change"
    form_class = forms.PlanForm
    title = "年度发展党员计划"
    intro = "各党委每年报送发展党员计划，单列农民、高知识群体、国有企业、非公有制企业和社会组织人员名额。"
    success_message = "已保存年度发展党员计划"

    def prepare(self):
        self.initial = {}
        org = org_param(self.request.user, self.request.GET.get("org"), "recruitment.change")
        year = self.request.GET.get("year", "")[:4]
        if org and year.isdigit():
            self.initial = {"org": org.pk, "year": year}
            plan = Plan.objects.visible_to(self.request.user, "change").filter(org=org, year=int(year)).first()
            if plan:
                self.initial.update(total=plan.total, note=plan.note,
                                    **{f"quota_{q.category}": q.quota for q in plan.quotas.all()})

    def get_form_kwargs(self):
        return {"user": self.request.user, "initial": self.initial}

    def call_service(self, form):
        return services.plan_save(actor=self.request.user, **form.service_kwargs())

    def get_success_url(self, result):
        return f"{reverse('recruitment:plans')}?org={result.org_id}&year={result.year}"

    def get_cancel_url(self):
        return reverse("recruitment:plans")


@not_generic("the public notice board: no login")
def public_notices(request):
    """The public notice board (公示栏), no login: name, branch, notice kind and dates only."""
    page = paginate(request, selectors.public_notices())
    rows = [dict(r, kind_label=Notice.Kind(r["kind"]).label) for r in page.object_list]
    return render(request, "recruitment/public_notices.html", {"title": "发展党员公示", "rows": rows, "page": page,
                                                               "today": timezone.localdate()})
