"""Shared generic views: list (filter, sort, page, export), detail, edit. Every queryset passes
through ``visible_to``; out of scope is 404."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.scope import get_scope
from core import audit
from core.paging import paginate
from core.text import printable

MAX_EXPORT_ROWS = 100_000


class ScopedMixin(LoginRequiredMixin):
    model = None
    action = "view"

    def get_base_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.action)


class ObjectListView(ScopedMixin, View):
    """Configuration: model, filterset_class, table, title; optional export_perm."""

    filterset_class = None
    table = None
    title = ""
    template_name = "core/object_list.html"
    partial_template = "core/_object_table.html"
    paginate_by = None  # settings.LIST_PAGE_SIZE
    export_action = None  # e.g. "export": exports need that action on the rows' orgs
    export_formats: tuple[str, ...] = ("csv",)  # each names an export_<format>(request, queryset)
    breadcrumbs: list = []
    default_order = None

    def get_queryset(self):
        return self.get_base_queryset()

    def get_extra_context(self):
        return {}

    def get(self, request):
        queryset = self.get_queryset()
        filterset = self.filterset_class(request.GET, queryset=queryset, request=request)
        if not filterset.is_valid():
            queryset = queryset.none()
        else:
            queryset = filterset.qs
        sortable = self.table.sortable()
        sort = request.GET.get("sort", "")
        if sort.lstrip("-") in sortable:
            queryset = queryset.order_by(sort, "pk")
        elif self.default_order:
            queryset = queryset.order_by(*self.default_order)
        export = request.GET.get("export")
        if export in self.export_formats and self.export_action:
            return getattr(self, f"export_{export}")(request, queryset)
        page = paginate(request, queryset, per_page=self.paginate_by)
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "title": self.title,
            "filterset": filterset,
            "table": self.table,
            "rows": self.table.rows(page.object_list, request.user),
            "page": page,
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


class ObjectDetailView(ScopedMixin, View):
    template_name = None

    def get_object(self, pk):
        return get_object_or_404(self.get_base_queryset(), pk=pk)

    def get_extra_context(self, obj):
        return {}

    def get(self, request, pk):
        obj = self.get_object(pk)
        return render(request, self.template_name, {"object": obj, **self.get_extra_context(obj)})


def require_perm(user, perm: str) -> None:
    """System-wide permissions (三员). Without it, the page does not exist for this user."""
    if not get_scope(user).has_perm(perm):
        raise Http404


def form_errors_from(exc: ValidationError, form) -> None:
    """Attach a service's ValidationError to a bound form, field by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ServiceFormView(LoginRequiredMixin, View):
    """One form page that moves a workflow: GET shows the form; POST validates it, calls the
    service, puts the service's refusal back on the form (``form_errors_from``), or says so and
    redirects. Configuration: ``form_class``, ``service`` (called with ``actor=`` and
    ``get_service_kwargs(form)``), ``success_message`` (formatted with ``result``), ``title``.
    Hooks: ``prepare()`` finds the objects (404 out of scope), ``get_form_kwargs()``,
    ``get_success_url(result)``, ``get_cancel_url()``, ``get_breadcrumbs()``.

    A confirmation page is the same view with a form without fields and an ``intro``."""

    form_class = None
    service = None
    success_message = ""
    title = ""
    submit_label = "保存"
    intro = ""
    template_name = "core/form.html"

    def prepare(self) -> None:
        """Find what the page acts on (raise Http404 out of scope); runs before GET and POST."""

    def get_form_kwargs(self) -> dict:
        return {}

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

    def get_breadcrumbs(self) -> list:
        return [(self.get_title(), None)]

    def get_title(self) -> str:
        return self.title

    def get_intro(self) -> str:
        return self.intro

    def get(self, request, *args, **kwargs):
        self.prepare()
        return self.render(self.form_class(**self.get_form_kwargs()))

    def post(self, request, *args, **kwargs):
        self.prepare()
        form = self.form_class(request.POST, **self.get_form_kwargs())
        if form.is_valid():
            try:
                result = self.call_service(form)
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, self.get_success_message(result))
                return redirect(self.get_success_url(result))
        return self.render(form)

    def render(self, form):
        return render(self.request, self.template_name, {
            "form": form, "title": self.get_title(), "submit_label": self.submit_label, "intro": self.get_intro(),
            "cancel_url": self.get_cancel_url(), "breadcrumbs": self.get_breadcrumbs(),
        })


__all__ = ["ObjectListView", "ObjectDetailView", "ServiceFormView", "require_perm", "form_errors_from",
           "PermissionDenied"]


# --- pages of the core app -------------------------------------------------------------------

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.views.decorators.http import require_http_methods  # noqa: E402

from core import audit_labels, forms, workdays  # noqa: E402
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


@login_required
def home(request):
    scope = get_scope(request.user)
    from orgs import selectors
    from portal.models import channel_roles

    roots = selectors.tree_roots(request.user) if scope.has_any_org_perm("org.view") else []
    channels = channel_roles(request.user)
    return render(request, "core/home.html", {
        "title": "首页", "scope": scope, "roots": roots,
        "counts": selectors.subtree_counts(roots, user=request.user) if roots else {},
        "channels": channels, "reviews_comments": any(role == "reviewer" for role, _name in channels),
    })


class AuditListView(LoginRequiredMixin, View):
    """Only the audit administrator reads the audit trail (三员分立)."""

    def get(self, request):
        require_perm(request.user, "audit.read")
        view = _AuditList()
        view.request = request
        return view.get(request)


class _AuditList(ObjectListView):
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


@login_required
def system(request):
    """The system administrator's page: configuration and health, no business data."""
    require_perm(request.user, "system.configure")
    from django.conf import settings

    return render(request, "core/system.html", {
        "title": "系统配置", "breadcrumbs": [("系统配置", None)],
        "database": connection.vendor,
        "retention_days": settings.AUDIT_RETENTION_DAYS,
        "idle_minutes": settings.IDLE_TIMEOUT_SECONDS // 60,
        "lockout_minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "demo_mode": settings.DEMO_MODE,
    })


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期")
    kind = forms.ChoiceField(label="类别", choices=WorkCalendarDay.Kind.choices)
    name = forms.CharField(label="节日", max_length=20)


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    """The holiday calendar (节假日安排) that working days are counted by; the system
    administrator enters each year's State Council schedule, a day at a time."""
    require_perm(request.user, "system.configure")
    today = timezone.localdate()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    form = CalendarDayForm(request.POST if request.method == "POST" and "delete" not in request.POST else None)
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                day = forms.DateField().clean(request.POST.get("delete"))
                workdays.calendar_delete(actor=request.user, day=day)
                messages.success(request, f"已删除 {day:%Y-%m-%d}")
                return redirect(f"{request.path}?year={day.year}")
            if form.is_valid():
                data = form.cleaned_data
                row = workdays.calendar_set(actor=request.user, day=data["date"], kind=data["kind"],
                                            name=data["name"])
                messages.success(request, f"已保存 {row}")
                return redirect(f"{request.path}?year={row.date.year}")
        except ValidationError as exc:
            if form.is_bound:
                form_errors_from(exc, form)
            else:
                messages.error(request, "；".join(exc.messages))
    return render(request, "core/calendar.html", {
        "title": "节假日安排", "breadcrumbs": [("系统配置", reverse("core:system")), ("节假日安排", None)],
        "form": form, "year": year, "years": workdays.known_years(),
        "days": WorkCalendarDay.objects.filter(date__year=year).order_by("date"),
    })
