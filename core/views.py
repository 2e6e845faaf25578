"""The four generic views every page is built on, and the one refusal helper:

- ``ObjectListView``: the scoped rows of a model (filter, sort, page, export);
- ``ObjectDetailView``: one scoped object on a page (a roll-up page: the org it is about);
- ``ServiceFormView``: a form page that calls a service;
- ``ServiceActionView``: a button that calls a service (POST; a confirmation page on GET if wanted).

Each declares ``required_perm``: for a user who holds that permission nowhere, the page does not
exist (404), the three administrators' system permissions alike; it is the gate the API's
operations use too (``core.access.require_perm``). Out of scope is 404: objects are found
through ``visible_to``; a service's ``core.errors.NotFound`` is the page's 404
(``core.middleware.NotFoundMiddleware``). A view that cannot be one of the four says why in one line
with ``@not_generic("…")`` (a file download, the login, a public page); a test walks every URL."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from core import audit, errors, forms, registry
from core.access import get_scope, require_perm
from core.errors import NotFound, refusal_text
from core.paging import paginate
from core.text import printable

MAX_EXPORT_ROWS = 100_000

# What a service raises to refuse: a broken rule (ValidationError, in Chinese), or an action the
# user may see but not take (PermissionDenied). Out of scope is NotFound, answered 404.
REFUSALS = (ValidationError, PermissionDenied)


def refuse(request, exc: Exception, form=None, field_names: dict | None = None) -> None:
    """A service's refusal, shown: on the bound form (field by field where it names one), or as
    an error message when there is no form to put it on."""
    if form is None:
        messages.error(request, refusal_text(exc))
    elif isinstance(exc, ValidationError):
        form_errors_from(exc, form, field_names)
    else:
        form.add_error(None, refusal_text(exc))


def form_errors_from(exc: ValidationError, form, field_names: dict | None = None) -> None:
    """Attach a service's ValidationError to a bound form, field by field where it names one
    (``field_names``: the form's name of a field the service names otherwise)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (field_names or {}).get(field, field)
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def not_generic(reason: str):
    """Marks a view that is none of the four generic views, with the reason in one line;
    core/tests/test_views.py fails on a URL whose view is neither."""
    def mark(view):
        view.not_generic = reason
        return view
    return mark


class GenericView(LoginRequiredMixin, View):
    """What the four share: login, the ``required_perm`` gate, then ``prepare()`` (find what the
    page is about: 404 out of scope) before any method runs; ``title`` and ``breadcrumbs``."""

    required_perm: str | None = None
    title = ""
    breadcrumbs: list = []

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_perm:
            require_perm(request.user, self.required_perm)
        try:
            self.prepare()
        except ValidationError as exc:  # a malformed parameter, e.g. an org neither id nor code
            return errors.invalid_parameter(request, exc)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self) -> None:
        """Find the objects the page acts on (404 out of scope); runs before GET and POST."""

    def get_title(self) -> str:
        return self.title

    def get_breadcrumbs(self) -> list:
        return self.breadcrumbs or [(self.get_title(), None)]


class MemberOrManagerView(GenericView):
    """A module's home page for its members and its managers, 404 for anyone else: the user is a
    member, or holds ``manager_perm`` ("learning.view") on some org. The page then shows each what
    is theirs (a member's own records, a manager's figures)."""

    manager_perm = ""

    def prepare(self):
        scope = get_scope(self.request.user)
        if not (scope.member_id or scope.has_any_org_perm(self.manager_perm)):
            raise NotFound


class ScopedMixin:
    model = None
    action = "view"
    # False for a list in another order than the tree's (meetings by date): see core.access.grants_q.
    tree_order = True

    def get_base_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.action, tree_order=self.tree_order)


class ObjectListView(ScopedMixin, GenericView):
    """Configuration: model, filterset_class, table, title; optional export_action."""

    filterset_class = None
    table = None
    template_name = "core/object_list.html"
    partial_template = "core/_object_table.html"
    paginate_by = None  # settings.LIST_PAGE_SIZE
    export_action = None  # e.g. "export": exports need that action on the rows' orgs
    export_formats: tuple[str, ...] = ("csv",)  # each names an export_<format>(request, queryset)
    default_order = None

    def get_queryset(self):
        return self.get_base_queryset()

    def get_extra_context(self):
        return {}

    total_from_summary = False  # get_total reads a summary table (the page says when it counted)

    def get_total(self, filterset) -> int | None:
        """The list's total when it is known without counting the rows (a summary table), else
        None: the rows are counted."""
        return None

    def get(self, request):
        queryset = self.get_queryset()
        filterset = self.filterset_class(request.GET, queryset=queryset, request=request)
        total = None
        if not filterset.is_valid():
            queryset = queryset.none()
        else:
            queryset = filterset.qs
            total = self.get_total(filterset)
        sortable = self.table.sortable()
        sort = request.GET.get("sort", "")
        if sort.lstrip("-") in sortable:
            queryset = queryset.order_by(sort, "pk")
        elif self.default_order:
            queryset = queryset.order_by(*self.default_order)
        export = request.GET.get("export")
        if export in self.export_formats and self.export_action:
            return getattr(self, f"export_{export}")(request, queryset)
        if self.table.only:
            queryset = queryset.only(*self.table.only)
        page = paginate(request, queryset, per_page=self.paginate_by, count=total)
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("cursor", None)
        context = {
            "title": self.title,
            "filterset": filterset,
            "table": self.table,
            "table_body": self.table.body_html(self.table.rows(page.object_list, request.user)),
            "page": page,
            # A list whose total usually comes from a summary says when its filters made it count.
            "counted": self.total_from_summary and total is None and filterset.is_valid(),
            "sort": sort,
            "query_string": params.urlencode(),
            "query_without_sort": urlencode([(k, v) for k, v in params.items() if k != "sort"]),
            "can_export": bool(self.export_action),
            "export_formats": self.export_formats,
            "breadcrumbs": self.breadcrumbs,
            **self.get_extra_context(),
        }
        template = self.partial_template if request.htmx and not request.htmx.boosted else self.template_name
        return render(request, template, context)

    def export_csv(self, request, queryset):
        queryset = self.scope_export(queryset)
        total = queryset.count()
        if total > MAX_EXPORT_ROWS:
            messages.error(request, f"导出行数 {total} 超过上限 {MAX_EXPORT_ROWS}，请先筛选")
            return redirect(request.path)
        columns = [c for c in self.table.columns if c.export]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}-{stamp}.csv"'
        response.write("\ufeff")  # BOM: Excel then reads UTF-8 Chinese correctly
        writer = csv.writer(response)
        writer.writerow([c.header for c in columns])
        for obj in queryset.iterator(chunk_size=2000):
            writer.writerow([csv_safe(c.value(obj)) for c in columns])
        audit.record(
            "export", object_type=self.model._meta.label_lower,
            changes={"rows": total, "filters": request.GET.urlencode()[:500], "format": "csv"},
        )
        return response


    def scope_export(self, queryset):
        """Exports are re-scoped with the export action: a user may see rows they may not export."""
        return queryset & self.model.objects.visible_to(self.request.user, self.export_action)


def csv_safe(value) -> str:
    """A value as the text of a spreadsheet cell (CSV or .xlsx): formulas neutralised (CSV
    injection), control characters of legacy rows replaced (.xlsx cannot hold them)."""
    text = printable(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class ObjectDetailView(ScopedMixin, GenericView):
    """One object found through ``visible_to(user, action)`` (404 otherwise) on ``template_name``;
    an htmx request gets ``partial_template`` when there is one. Hooks: ``get_queryset()``,
    ``get_object()`` (a roll-up page returns the org it is about), ``get_extra_context()`` (with
    ``self.object`` set), ``get_title()``, ``get_breadcrumbs()``."""

    template_name = None
    partial_template = None
    pk_url_kwarg = "pk"

    def get_queryset(self):
        return self.get_base_queryset()

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs[self.pk_url_kwarg])

    def prepare(self):
        self.object = self.get_object()

    def get_extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        context = {"object": self.object, "title": self.get_title(), "breadcrumbs": self.get_breadcrumbs(),
                   **self.get_extra_context()}
        partial = self.partial_template and request.htmx and not request.htmx.boosted
        return render(request, self.partial_template if partial else self.template_name, context)


class ServiceFormView(GenericView):
    """One form page that moves a workflow: GET shows the form; POST validates it, calls the
    service, puts the service's refusal back on the form (``refuse``), or says so and redirects.
    Configuration: ``form_class``, ``service`` (called with ``actor=`` and
    ``get_service_kwargs(form)``), ``success_message`` (formatted with ``result``), ``title``,
    ``submit_label``, ``intro``, ``template_name``, ``summary_template``, ``error_field_names``. Hooks: ``prepare()``, ``get_form_kwargs()``,
    ``call_service(form)``, ``get_success_url(result)``, ``get_cancel_url()``,
    ``get_extra_context()``, ``get_title()``, ``get_breadcrumbs()``; ``succeeded(result)``,
    ``refused(exc, form)`` and ``invalid(form)`` answer the three outcomes of a POST."""

    form_class = None
    service = None
    success_message = ""
    submit_label = "保存"
    intro = ""
    template_name = "core/form.html"
    summary_template = ""  # a card above the form: what the form is about (a letter's details)
    error_field_names: dict = {}  # the service's name of a field → the form's ({"to_org": "to_org_code"})

    def get_form_kwargs(self) -> dict:
        return {}

    def get_form(self):
        if self.request.method == "POST":
            return self.form_class(self.request.POST, self.request.FILES, **self.get_form_kwargs())
        return self.form_class(**self.get_form_kwargs())

    def get_service_kwargs(self, form) -> dict:
        return form.cleaned_data

    def call_service(self, form):
        return type(self).service(actor=self.request.user, **self.get_service_kwargs(form))

    def get_success_url(self, result) -> str:
        return result.get_absolute_url()

    def get_success_message(self, result) -> str:
        return self.success_message.format(result=result)

    def get_cancel_url(self) -> str:
        return ""

    def get_intro(self) -> str:
        return self.intro

    def get_extra_context(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                result = self.call_service(form)
            except REFUSALS as exc:
                return self.refused(exc, form)
            return self.succeeded(result)
        return self.invalid(form)

    def succeeded(self, result):
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))

    def refused(self, exc, form):
        refuse(self.request, exc, form, self.error_field_names)
        return self.render(form)

    def invalid(self, form):
        return self.render(form)

    def render(self, form, status: int = 200):
        return render(self.request, self.template_name, {
            "form": form, "title": self.get_title(), "submit_label": self.submit_label, "intro": self.get_intro(),
            "cancel_url": self.get_cancel_url(), "breadcrumbs": self.get_breadcrumbs(),
            "summary_template": self.summary_template, **self.get_extra_context(),
        }, status=status)


class ServiceActionView(ServiceFormView):
    """A button that calls a service (submit, approve, delete …): POST only, or, with ``confirm =
    True``, a confirmation page on GET (``title``, ``get_intro()``, ``submit_label``). A refusal is
    an error message on the page the button is on (``get_back_url()``, by default the cancel URL);
    success says so and goes to ``get_success_url(result)``, by default back too."""

    form_class = forms.Form  # nothing to fill in; a subclass may name a confirmation checkbox
    confirm = False
    submit_label = "确认"

    def get(self, request, *args, **kwargs):
        if not self.confirm:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().get(request, *args, **kwargs)

    def get_service_kwargs(self, form) -> dict:
        return {}

    def get_back_url(self) -> str:
        return self.get_cancel_url()

    def get_success_url(self, result) -> str:
        return self.get_back_url()

    def refused(self, exc, form):
        refuse(self.request, exc)
        return redirect(self.get_back_url())

    def invalid(self, form):
        """A button's form (a choice, a hidden value) was not filled in as offered: say why there."""
        if self.confirm:
            return self.render(form)
        messages.error(self.request, refusal_text(ValidationError([e for errors in form.errors.values() for e in errors])))
        return redirect(self.get_back_url())


# --- pages of the core app -------------------------------------------------------------------

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from core import audit_labels, workdays  # noqa: E402
from core.filters import AuditEntryFilterSet  # noqa: E402
from core.models import AuditEntry, WorkCalendarDay  # noqa: E402
from core.tables import Column, Table  # noqa: E402

AuditTable = Table(columns=(
    Column("序号", "seq", order_by="seq"),
    Column("时间", lambda e: timezone.localtime(e.created).strftime("%Y-%m-%d %H:%M:%S"), order_by="created"),
    Column("操作人", "username"),
    Column("角色", "role"),
    Column("来源IP", "ip"),
    Column("操作", lambda e: audit_labels.action_label(e.action)),
    Column("对象", audit_labels.object_label),
    Column("党组织ID", "org_id"),
    Column("结果", "result"),
    Column("变更", audit_labels.describe_changes),
    Column("请求ID", "request_id"),
))


class AuditListView(ObjectListView):
    """Only the audit administrator reads the audit trail (三员分立): all of it, no org scope."""

    required_perm = "audit.read"
    model = AuditEntry
    filterset_class = AuditEntryFilterSet
    table = AuditTable
    title = "审计日志"
    breadcrumbs = [("审计日志", None)]
    default_order = ("-seq",)
    export_action = "read"

    def get_base_queryset(self):
        return AuditEntry.objects.all()

    def scope_export(self, queryset):
        return queryset.order_by("seq")

    def get_extra_context(self):
        return {"audit_page": True}


@not_generic("the system administrator's read-only status page: settings, no object")
@login_required
def system(request):
    """The system administrator's page: configuration and health, no business data."""
    require_perm(request.user, "system.configure")
    return render(request, "core/system.html", {
        "title": "系统配置", "breadcrumbs": [("系统配置", None)],
        "database": connection.vendor,
        "retention_days": settings.AUDIT_RETENTION_DAYS,
        "idle_minutes": settings.IDLE_TIMEOUT_SECONDS // 60,
        "lockout_minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "demo_mode": settings.DEMO_MODE,
        "calendar_warnings": workdays.schedule_warnings(timezone.localdate()),
        "panels": registry.system_panels(),
    })


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期")
    kind = forms.ChoiceField(label="类别", choices=WorkCalendarDay.Kind.choices)
    name = forms.CharField(label="节日", max_length=20)


class CalendarView(ServiceFormView):
    """The holiday calendar (节假日安排) that working days are counted by; the system
    administrator enters each year's State Council schedule, a day at a time. Each listed day's
    delete button posts ``delete=<date>`` to the same page."""

    required_perm = "system.configure"
    form_class = CalendarDayForm
    title = "节假日安排"
    template_name = "core/calendar.html"

    def prepare(self):
        year = self.request.GET.get("year", "")
        self.year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year

    def get_breadcrumbs(self):
        return [("系统配置", reverse("core:system")), ("节假日安排", None)]

    def post(self, request, *args, **kwargs):
        if "delete" not in request.POST:
            return super().post(request, *args, **kwargs)
        try:
            day = forms.DateField().clean(request.POST.get("delete"))
            workdays.calendar_delete(actor=request.user, day=day)
        except REFUSALS as exc:
            refuse(request, exc)
            return self.render(CalendarDayForm())
        messages.success(request, f"已删除 {day:%Y-%m-%d}")
        return redirect(f"{request.path}?year={day.year}")

    def call_service(self, form):
        data = form.cleaned_data
        return workdays.calendar_set(actor=self.request.user, day=data["date"], kind=data["kind"], name=data["name"])

    def get_success_message(self, result):
        return f"已保存 {result}"

    def get_success_url(self, result):
        return f"{self.request.path}?year={result.date.year}"

    def get_extra_context(self):
        return {"year": self.year, "years": workdays.known_years(),
                "calendar_warnings": workdays.schedule_warnings(timezone.localdate()),
                "days": WorkCalendarDay.objects.filter(date__year=self.year).order_by("date")}
