"""Lagging pages: the home (counts per child org from the summary, the open cases, the overdue),
the suggestions from the records with a "列为后进" button per org, the cases list (filters, export),
a case's page (reasons, the plan, the tasks marked done on a phone, closing with evidence and the
grade) and an org's grade history."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from core import files
from core.access import get_scope
from core.errors import NotFound
from core.views import GenericView, ObjectDetailView, ObjectListView, ServiceFormView, not_generic
from lagging import selectors, services
from lagging.filters import CaseFilterSet
from lagging.forms import (
    LaggingCloseForm,
    LaggingOpenForm,
    LaggingPlanForm,
    LaggingTaskDoneForm,
    LaggingTaskForm,
)
from lagging.models import LaggingCase, LaggingTask
from lagging.tables import CaseTable
from orgs.models import Org
from orgs.selectors import children, org_or_first_root

HOME = ("督导考核", "/oversight/")
CRUMB = ("后进整顿", "/lagging/")
VIEW, CHANGE, INSPECT = "oversight.view", "oversight.change", "oversight.inspect"
SHOWN = 200  # suggestions on one page, most reasons first; a child org's page shows the rest


def _root(request, perm: str = VIEW) -> Org:
    return org_or_first_root(request.user, request.GET.get("org"), perm)


@not_generic("a dashboard: cases per child org (summary rows), open and overdue cases")
class HomeView(GenericView):
    title = "后进党组织整顿"
    required_perm = VIEW

    def prepare(self):
        self.org = _root(self.request)

    def get(self, request):
        today, user = timezone.localdate(), request.user
        rows = children(self.org, user)
        orgs = [self.org, *rows]
        figures = selectors.children_counts(orgs, today.year)
        live = selectors.open_counts(user, orgs)
        cases = list(selectors.open_cases(user).filter(org__path__startswith=self.org.path)
                     .select_related("org", "plan").order_by("found_on", "pk")[:20])
        return render(request, "lagging/home.html", {
            "title": self.title, "breadcrumbs": [HOME, (self.title, None)], "org": self.org, "year": today.year,
            "total": {**figures[self.org.pk], **live[self.org.pk]},
            "rows": [(child, {**figures[child.pk], **live[child.pk]}) for child in rows], "cases": cases,
            "can_list": get_scope(user).covers(self.org.path, INSPECT)})


@not_generic("the orgs the records flag, each with its reasons and a button to list it")
class SuggestionsView(GenericView):
    title = "后进党组织提示"
    required_perm = INSPECT

    def prepare(self):
        self.org = _root(self.request, INSPECT)

    def get(self, request):
        found = selectors.suggestions(self.org, timezone.localdate(), request.user)
        suggested = [s for s in found if s.case is None]
        return render(request, "lagging/suggestions.html", {
            "title": f"{self.title}（{self.org.name}）", "org": self.org,
            "breadcrumbs": [HOME, CRUMB, (self.title, None)], "children": children(self.org, request.user),
            "suggested": suggested[:SHOWN], "total": len(suggested),
            "under_way": [s for s in found if s.case][:SHOWN]})


class CaseOpenView(ServiceFormView):
    """列为后进: the org's reasons from the records are shown; the service takes them again."""

    form_class = LaggingOpenForm
    service = services.case_open
    submit_label = "列为后进党组织"
    success_message = "已列为后进党组织，请制定整顿方案（一支一策）"

    def prepare(self):
        self.org = get_object_or_404(Org.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers_above(self.org.path, INSPECT):
            raise NotFound
        self.reasons = selectors.reasons_of(self.org, timezone.localdate(), self.request.user)

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_intro(self):
        if not self.reasons:
            return "系统记录没有提示该党组织后进：请写明排查发现的原因。"
        return "系统记录提示：" + "；".join(text for _code, text in self.reasons) + "。"

    def get_title(self):
        return f"列为后进党组织：{self.org.name}"

    def get_breadcrumbs(self):
        return [HOME, CRUMB, ("提示", reverse("lagging:suggestions")), (self.org.name, None)]

    def get_cancel_url(self):
        return reverse("lagging:suggestions")


class CaseListView(ObjectListView):
    required_perm = VIEW
    model = LaggingCase
    filterset_class = CaseFilterSet
    table = CaseTable
    title = "后进党组织整顿台账"
    breadcrumbs = [HOME, CRUMB, ("整顿台账", None)]
    default_order = ("-found_on", "-pk")
    export_action = "view"
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org", "plan")


class CaseView(ObjectDetailView):
    model = LaggingCase
    template_name = "lagging/case.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "plan", "found_by")

    def get_title(self):
        return f"后进党组织整顿：{self.object.org.name}"

    def get_breadcrumbs(self):
        return [HOME, CRUMB, ("整顿台账", reverse("lagging:cases")), (self.object.org.name, None)]

    def get_extra_context(self):
        case, scope = self.object, get_scope(self.request.user)
        plan = getattr(case, "plan", None)
        tasks = list(plan.tasks.all()) if plan else []
        done = sum(1 for t in tasks if t.done_on)
        upper = case.is_open and scope.covers_above(case.org.path, INSPECT)
        return {"reasons": list(case.reasons.all()), "plan": plan, "tasks": tasks, "done": done,
                "percent": round(100 * done / len(tasks)) if tasks else 0,
                "can_plan": upper, "can_close": upper and plan is not None,
                "can_mark": case.is_open and scope.covers(case.org.path, CHANGE)}


class _CaseAction(ServiceFormView):
    """An action of the level above on a case it sees (``oversight.inspect`` strictly above)."""

    def prepare(self):
        self.case = get_object_or_404(LaggingCase.objects.visible_to(self.request.user, "view")
                                      .select_related("org", "plan"), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers_above(self.case.org.path, INSPECT):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"case": self.case, **form.cleaned_data}

    def get_success_url(self, result):
        return self.case.get_absolute_url()

    def get_cancel_url(self):
        return self.case.get_absolute_url()

    def get_breadcrumbs(self):
        return [HOME, CRUMB, (self.case.org.name, self.case.get_absolute_url()), (self.get_title(), None)]


class PlanView(_CaseAction):
    form_class = LaggingPlanForm
    service = services.plan_save
    success_message = "已保存整顿方案，进入整顿"
    submit_label = "批准方案"

    def get_form_kwargs(self):
        plan = getattr(self.case, "plan", None)
        if self.request.method == "POST" or plan is None:
            return {}
        return {"initial": {"responsible": plan.responsible, "contact": plan.contact, "measures": plan.measures,
                            "deadline": plan.deadline}}

    def get_title(self):
        return f"整顿方案（一支一策）：{self.case.org.name}"


class TaskAddView(_CaseAction):
    form_class = LaggingTaskForm
    service = services.task_add
    success_message = "已添加整顿任务"
    submit_label = "添加任务"

    def get_title(self):
        return f"添加整顿任务：{self.case.org.name}"


class CloseView(_CaseAction):
    form_class = LaggingCloseForm
    service = services.case_close
    success_message = "已验收销号，等次已更新"
    submit_label = "验收销号"
    intro = "整顿任务须全部完成；填写验收材料并评定整顿后等次（须高于后进）。"

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        return {"case": self.case, "upload": data.pop("file", None), **data}

    def get_title(self):
        return f"验收销号：{self.case.org.name}"


class TaskDoneView(ServiceFormView):
    """The org marks one task done, on a phone."""

    form_class = LaggingTaskDoneForm
    service = services.task_done
    success_message = "已标记完成"
    submit_label = "标记完成"

    def prepare(self):
        self.task = get_object_or_404(LaggingTask.objects.visible_to(self.request.user, "view")
                                      .select_related("plan__case__org"), pk=self.kwargs["pk"])
        self.case = self.task.plan.case
        if not get_scope(self.request.user).covers(self.case.org.path, CHANGE):
            raise NotFound

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        return {"task": self.task, "upload": data.pop("file", None), **data}

    def get_success_url(self, result):
        return self.case.get_absolute_url()

    def get_cancel_url(self):
        return self.case.get_absolute_url()

    def get_intro(self):
        return f"{self.task.number}. {self.task.text}（责任人：{self.task.responsible}，时限 {self.task.due:%Y-%m-%d}）"

    def get_title(self):
        return "标记任务完成"

    def get_breadcrumbs(self):
        return [HOME, CRUMB, (self.case.org.name, self.case.get_absolute_url()), (self.get_title(), None)]


@not_generic("an org's grade history (GradeChange rows), found through the org the user sees")
class GradesView(GenericView):
    required_perm = VIEW

    def prepare(self):
        self.org = get_object_or_404(Org.objects.granting(self.request.user, VIEW), pk=self.kwargs["pk"])

    def get(self, request, pk):
        return render(request, "lagging/grades.html", {
            "title": f"等次变化：{self.org.name}", "org": self.org,
            "breadcrumbs": [HOME, CRUMB, ("等次变化", None)],
            "changes": list(selectors.grade_history(request.user, self.org))})


@not_generic("a case's acceptance file, served as an attachment after the scope check")
class CaseFileView(GenericView):
    def get(self, request, pk):
        case = get_object_or_404(LaggingCase.objects.visible_to(request.user, "view").exclude(file=""), pk=pk)
        return files.attachment(case.file, case.file_name, case.file_type)


@not_generic("a task's file, served as an attachment after the scope check")
class TaskFileView(GenericView):
    def get(self, request, pk):
        task = get_object_or_404(LaggingTask.objects.visible_to(request.user, "view").exclude(file=""), pk=pk)
        return files.attachment(task.file, task.file_name, task.file_type)

