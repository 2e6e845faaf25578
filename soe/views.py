"""SOE ledger pages: the tasks (with the shares the user's committees still have to report this
quarter), the ledger of shares (exported as CSV), a task with its shares by quarter, a share with
its reports, and the quarter's report (on a phone)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core.access import get_scope
from core.views import ObjectDetailView, ObjectListView, ServiceFormView
from orgs.selectors import org_or_first_root
from oversight.selectors import orgs_named
from soe import selectors, services
from soe.filters import ShareFilterSet, TaskFilterSet
from soe.forms import ReportForm, TaskForm
from soe.models import SoeShare, SoeTask
from soe.tables import ShareTable, TaskTable

CRUMB = ("督导考核", "/oversight/")
HOME = ("国企党建台账", "/soe/")
VIEW, CHANGE = "oversight.view", "oversight.change"


class TaskListView(ObjectListView):
    required_perm = VIEW
    model = SoeTask
    filterset_class = TaskFilterSet
    table = TaskTable
    title = "国企党建工作任务"
    breadcrumbs = [CRUMB, ("国企党建台账", None)]
    template_name = "soe/tasks.html"
    default_order = ("-year", "number", "pk")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")

    def get_extra_context(self):
        user = self.request.user
        return {"to_report": list(selectors.to_report(user, timezone.localdate())[:50]),
                "can_change": get_scope(user).has_any_org_perm(CHANGE)}


class ShareListView(ObjectListView):
    required_perm = VIEW
    model = SoeShare
    filterset_class = ShareFilterSet
    table = ShareTable
    title = "国企党建工作台账"
    breadcrumbs = [CRUMB, HOME, ("工作台账", None)]
    default_order = ("due_on", "pk")
    export_action = "view"
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org", "task")


class TaskView(ObjectDetailView):
    model = SoeTask
    template_name = "soe/task.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, HOME, (self.object.title, None)]

    def get_extra_context(self):
        return {"ledger": selectors.ledger(self.object, timezone.localdate()),
                "can_change": get_scope(self.request.user).covers(self.object.org.path, CHANGE)}


class TaskFormView(ServiceFormView):
    form_class = TaskForm
    service = services.task_save
    success_message = "已保存任务分工：{result.title}"

    def prepare(self):
        self.task = None
        if "pk" in self.kwargs:
            self.task = get_object_or_404(SoeTask.objects.visible_to(self.request.user, "change")
                                          .select_related("org"), pk=self.kwargs["pk"])
            self.org = self.task.org
        else:
            self.org = org_or_first_root(self.request.user, self.request.GET.get("org"), CHANGE)

    def get_form_kwargs(self):
        if self.request.method == "POST" or self.task is None:
            return {}
        task = self.task
        return {"initial": {"year": task.year, "title": task.title, "detail": task.detail, "due_on": task.due_on,
                            "shares": "\n".join(task.shares.order_by("org__path").values_list("org__code", flat=True))}}

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        return {"org": self.org, "task": self.task, **data, "shares": orgs_named(self.org, data["shares"])}

    def get_title(self):
        return f"修改任务：{self.task.title}" if self.task else f"分解国企党建工作任务（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, HOME, (self.get_title(), None)]

    def get_cancel_url(self):
        return self.task.get_absolute_url() if self.task else reverse("soe:home")


class ShareView(ObjectDetailView):
    model = SoeShare
    template_name = "soe/share.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "task__org")

    def get_title(self):
        return f"{self.object.org.name}：{self.object.task.title}"

    def get_breadcrumbs(self):
        return [CRUMB, HOME, (self.object.task.title, self.object.task.get_absolute_url()), (self.object.org.name, None)]

    def get_extra_context(self):
        share = self.object
        return {"reports": list(share.reports.select_related("reported_by")),
                "can_report": get_scope(self.request.user).covers(share.org.path, CHANGE)}


class ReportFormView(ServiceFormView):
    """A quarter's progress on one share, on a phone."""

    form_class = ReportForm
    service = services.report_save
    submit_label = "报送"
    success_message = "已报送{result.year}年第{result.quarter}季度进展"

    def prepare(self):
        self.share = get_object_or_404(SoeShare.objects.visible_to(self.request.user, "change")
                                       .select_related("org", "task"), pk=self.kwargs["pk"])
        self.periods = selectors.report_periods(self.share, timezone.localdate())

    def get_form_kwargs(self):
        kwargs: dict = {"periods": self.periods}
        if self.request.method == "GET":
            kwargs["initial"] = {"lead": self.share.lead, "progress": self.share.progress}
        return kwargs

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        year, quarter = data.pop("period")
        return {"share": self.share, "year": year, "quarter": quarter, **data}

    def get_success_url(self, result):
        return self.share.get_absolute_url()

    def get_title(self):
        return f"报送进展：{self.share.task.title}"

    def get_intro(self):
        share = self.share
        return f"责任党组织：{share.org.name}；完成时限：{share.due_on:%Y-%m-%d}；当前进展：{share.get_progress_display()}"

    def get_breadcrumbs(self):
        return [CRUMB, HOME, (self.share.task.title, self.share.task.get_absolute_url()), ("报送进展", None)]

    def get_cancel_url(self):
        return self.share.get_absolute_url()
