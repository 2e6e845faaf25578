"""Recruitment pages: the list, the case page (a timeline of the 25 steps), one form per step,
notices and objections, extension / cancellation / closing, the warnings and plans rolled up the
tree, the record sheet (print and .docx), and the public notice board (no login)."""

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.scope import get_scope
from core import audit
from core.paging import paginate
from core.views import MAX_EXPORT_ROWS, ObjectListView, csv_safe, form_errors_from
from orgs.models import Org
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
        from openpyxl import Workbook

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


def _case(request, pk) -> Case:
    return get_object_or_404(selectors.cases(request.user).select_related("member"), pk=pk)


def _require_somewhere(user, perm: str = "recruitment.change") -> None:
    if not get_scope(user).has_any_org_perm(perm):
        raise Http404


def _crumbs(case: Case, label: str | None = None) -> list:
    return [CRUMB, (case.name, case.get_absolute_url() if label else None)] + ([(label, None)] if label else [])


def _case_context(request, case: Case) -> dict:
    hist = selectors.history(case)
    today = date.today()
    deadlines = [(d, d.level(today)) for d in rules.deadlines(case, hist)]
    scope = get_scope(request.user)
    return {
        "case": case, "hist": hist, "title": f"发展党员：{case.name}", "breadcrumbs": _crumbs(case),
        "timeline": selectors.timeline(case, hist, today),
        "stages": Stage.choices,
        "deadlines": [(d, level, rules.STEP[d.step]) for d, level in deadlines if level != "green"],
        "people": case.people.select_related("member", "step"),
        "objections": list(case.objections.all()),
        "can_change": scope.covers(case.org.path, "recruitment.change"),
        "can_approve": scope.covers_above(case.org.path, "recruitment.approve"),
        "member_visible": bool(case.member_id and scope.covers(case.org.path, "member.view")),
        "age": case.age_on(today),
        "today": today,
    }


@login_required
def case_detail(request, pk):
    case = _case(request, pk)
    return render(request, "recruitment/case_detail.html", _case_context(request, case))


@login_required
def case_print(request, pk):
    """The whole-process record sheet (发展党员全程纪实表), printable (ID number masked)."""
    case = _case(request, pk)
    return render(request, "recruitment/case_print.html", _case_context(request, case))


@login_required
def case_docx(request, pk):
    """The same record sheet as a Word document (ID number masked); the download is audited."""
    case = _case(request, pk)
    content = documents.record_sheet(case, selectors.history(case))
    with transaction.atomic():
        audit.record("export", obj=case, changes={"format": "docx", "document": "发展党员全程纪实表"})
    return _attachment(content, DOCX_TYPE, f"recruitment-{case.pk}.docx")


def _render_form(request, form, *, title, case=None, label=None, intro="", submit="保存", cancel=None):
    return render(request, "core/form.html", {
        "form": form, "title": title, "intro": intro, "submit_label": submit,
        "cancel_url": cancel or (case.get_absolute_url() if case else reverse("recruitment:list")),
        "breadcrumbs": _crumbs(case, label or title) if case else [CRUMB, (title, None)],
    })


def _attempt(form, call) -> bool:
    """Run a service; its refusal goes onto the form (field by field where it names one)."""
    try:
        call()
    except ValidationError as exc:
        form_errors_from(exc, form)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "您无权办理该事项")
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    _require_somewhere(request.user)
    form = forms.CaseForm(request.POST or None, user=request.user)
    created = {}
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: created.setdefault("case", services.case_create(actor=request.user,
                                                                                 **form.cleaned_data))):
            messages.success(request, f"已建立{created['case'].name}的发展党员记录（第1步：递交入党申请书）")
            return redirect(created["case"])
    return _render_form(request, form, title="登记入党申请", submit="建立记录",
                        intro="年满十八岁方可申请入党（细则第五条）。收到申请书后一个月内应派人谈话（细则第七条）。")


@login_required
@require_http_methods(["GET", "POST"])
def step_record(request, pk, number):
    case = _case(request, pk)
    if number not in rules.STEP or number == 1:
        raise Http404
    step = rules.STEP[number]
    form_class = forms.step_form_class(number)
    extra = {}
    if form_class is forms.PeopleStepForm:
        extra = {"case": case, "user": request.user, "number": number}
    elif form_class is forms.PlacementStepForm:
        extra = {"case": case}
    hist = selectors.history(case)
    initial = {}
    if step.form == "vote":
        initial = {"entitled": selectors.entitled_voters(case)}
    elif step.form == "prereview":
        initial = {"received_on": hist.first(12)}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: _record(request.user, case, number, form)):
            messages.success(request, f"已登记{rules.step_label(number)}")
            return redirect(case)
    intro = f"依据：{step.article}。" + ("本步骤由上级党委办理。" if step.upper else "")
    return _render_form(request, form, case=case, title=f"{step.circled} {step.label}：{case.name}",
                        label=f"{step.circled} {step.label}", intro=intro, submit="登记")


def _record(actor, case: Case, number: int, form) -> None:
    kind = rules.STEP[number].form
    if kind == "review":
        services.review_record(actor=actor, case=case, **form.service_kwargs())
    elif kind == "prereview":
        services.prereview_record(actor=actor, case=case, **form.cleaned_data)
    elif kind == "vote":
        services.vote_record(actor=actor, case=case, purpose=number, **form.cleaned_data)
    else:
        services.step_record(actor=actor, case=case, number=number, **form.service_kwargs())


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request, pk):
    case = _case(request, pk)
    upcoming = next((k for k in (3, 7, 17, 24) if not selectors.history(case).done(k)), 3)
    form = forms.NoticeForm(request.POST or None, initial={"kind": upcoming})
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: services.notice_publish(actor=request.user, case=case, **form.cleaned_data)):
            messages.success(request, "已发布公示")
            return redirect(case)
    return _render_form(request, form, case=case, title=f"发布公示：{case.name}", label="发布公示", submit="发布",
                        intro="公示在党务公开栏和平台公示页面发布，只显示姓名、党支部、公示事项和公示期。")


@login_required
@require_http_methods(["GET", "POST"])
def objection_create(request, pk):
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related("case", "case__org"), pk=pk)
    form = forms.ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: services.objection_add(actor=request.user, notice=notice, **form.cleaned_data)):
            messages.success(request, "已登记反映的问题；核查办结前不能进行下一步")
            return redirect(notice.case)
    return _render_form(request, form, case=notice.case, title=f"登记反映的问题：{notice}", label="登记反映的问题")


@login_required
@require_http_methods(["GET", "POST"])
def objection_resolve(request, pk):
    objection = get_object_or_404(Objection.objects.visible_to(request.user).select_related("case", "case__org"),
                                  pk=pk)
    form = forms.ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: services.objection_resolve(actor=request.user, objection=objection,
                                                             **form.cleaned_data)):
            messages.success(request, "已办结")
            return redirect(objection.case)
    return _render_form(request, form, case=objection.case, title="核查办结", intro=f"反映的问题：{objection.text}")


@login_required
@require_http_methods(["GET", "POST"])
def case_extend(request, pk):
    case = _case(request, pk)
    form = forms.ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: services.case_extend(actor=request.user, case=case, **form.cleaned_data)):
            messages.success(request, "已延长预备期")
            return redirect(case)
    return _render_form(request, form, case=case, title=f"延长预备期：{case.name}", label="延长预备期",
                        intro="经支部党员大会讨论、上级党委批准。")


@login_required
@require_http_methods(["GET", "POST"])
def case_end(request, pk, action):
    """Cancel a probationary membership (upper committee) or close a case before admission."""
    case = _case(request, pk)
    form = forms.EndForm(request.POST or None)
    label = "取消预备党员资格" if action == "cancel" else "终止发展"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if action == "cancel":
            call = lambda: services.case_cancel(actor=request.user, case=case, decided_on=data["day"],  # noqa: E731
                                                reason=data["reason"])
        else:
            call = lambda: services.case_close(actor=request.user, case=case, closed_on=data["day"],  # noqa: E731
                                               reason=data["reason"])
        if _attempt(form, call):
            messages.success(request, f"已{label}")
            return redirect(case)
    return _render_form(request, form, case=case, title=f"{label}：{case.name}", label=label, submit=label)


# --- roll-ups up the tree -------------------------------------------------------------------------


def _chosen_org(request) -> tuple[Org, list[Org]]:
    _require_somewhere(request.user, "recruitment.view")
    roots = selectors.roots(request.user)
    value = request.GET.get("org", "")
    if value.isdigit() and len(value) < 18:
        org = get_object_or_404(Org.objects.granting(request.user, "recruitment.view"), pk=int(value))
    else:
        org = roots[0]
    return org, roots


@login_required
def warnings(request):
    org, roots = _chosen_org(request)
    rollup = selectors.warning_rollup(org, request.user)
    return render(request, "recruitment/warnings.html", {
        "title": "发展党员预警", "breadcrumbs": [CRUMB, ("预警", None)], "org": org, "roots": roots,
        "rollup": rollup, "page": paginate(request, selectors.overdue_cases(org, request.user).select_related("org")),
    })


@login_required
def plans(request):
    org, roots = _chosen_org(request)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else date.today().year
    return render(request, "recruitment/plans.html", {
        "title": f"{year}年发展党员计划执行情况", "breadcrumbs": [CRUMB, ("年度计划", None)], "org": org,
        "roots": roots, "year": year, "progress": selectors.plan_progress(org, request.user, year),
        "can_edit": get_scope(request.user).has_any_org_perm("recruitment.change"),
        "categories": [c.label for c in EARMARKED],
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request):
    _require_somewhere(request.user)
    initial = {}
    if request.GET.get("org", "").isdigit() and request.GET.get("year", "").isdigit():
        plan = (Plan.objects.visible_to(request.user, "change")
                .filter(org_id=int(request.GET["org"][:18]), year=int(request.GET["year"][:4])).first())
        initial = {"org": request.GET["org"][:18], "year": request.GET["year"][:4]}
        if plan:
            initial.update(total=plan.total, note=plan.note,
                           **{f"quota_{q.category}": q.quota for q in plan.quotas.all()})
    form = forms.PlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: services.plan_save(actor=request.user, **form.service_kwargs())):
            messages.success(request, "已保存年度发展党员计划")
            data = form.cleaned_data
            return redirect(f"{reverse('recruitment:plans')}?org={data['org'].pk}&year={data['year']}")
    return _render_form(request, form, title="年度发展党员计划", cancel=reverse("recruitment:plans"),
                        intro="各党委每年报送发展党员计划，单列农民、高知识群体、国有企业、非公有制企业和社会组织人员名额。")


def public_notices(request):
    """The public notice board (公示栏), no login: name, branch, notice kind and dates only."""
    page = paginate(request, selectors.public_notices())
    rows = [dict(r, kind_label=Notice.Kind(r["kind"]).label) for r in page.object_list]
    return render(request, "recruitment/public_notices.html", {"title": "发展党员公示", "rows": rows, "page": page,
                                                               "today": date.today()})
