"""Roster import pages (导入花名册): upload, preview with per-row outcomes, confirm, error report;
and the member list's .xlsx export. A batch is its uploader's own: anyone else gets 404."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from core import audit, forms
from core.errors import NotFound
from core.paging import paginate
from core.views import (
    MAX_EXPORT_ROWS,
    ObjectDetailView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
    require_perm,
)
from members import importing
from members.models import ImportBatch, Member
from orgs.selectors import org_param

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING = (ImportBatch.Status.PENDING, ImportBatch.Status.PARSING, ImportBatch.Status.COMMITTING)


class UploadForm(forms.Form):
    file = forms.FileField(label="花名册文件", help_text="Excel（.xlsx）或 CSV（UTF-8 或 GB18030），不超过 10 MB")
    org = forms.CharField(label="默认党组织代码", required=False, max_length=32,
                          help_text="文件中没有“所在党组织”列时，全部导入到这个党组织")


def _crumbs(*tail):
    return [("党员", reverse("members:list")), ("导入花名册", reverse("members:import")), *tail]


class ImportStartView(ServiceFormView):
    """The upload form above the user's own batches. The file is checked on the task worker; the
    batch's page then shows its progress."""

    required_perm = "member.change"
    form_class = UploadForm
    title = "导入花名册"
    template_name = "members/import_start.html"

    def get_breadcrumbs(self):
        return _crumbs()[:1] + [("导入花名册", None)]

    def call_service(self, form):
        try:
            org = org_param(self.request.user, form.cleaned_data["org"], "member.change")
        except NotFound:
            raise ValidationError({"org": "组织不存在或不在您的管理范围内"}) from None
        except ValidationError as exc:
            raise ValidationError({"org": exc.messages}) from None
        upload = form.cleaned_data["file"]
        try:
            return importing.batch_submit(actor=self.request.user, upload=upload, file_name=upload.name,
                                          default_org=org)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None

    def get_success_url(self, batch):
        return reverse("members:import_detail", args=[batch.pk])

    def get_extra_context(self):
        batches = paginate(self.request, ImportBatch.objects.visible_to(self.request.user).select_related("org"))
        return {"page": batches, "columns": importing.LAYOUT}

    def render(self, form, status=200):
        return super().render(form, status=400 if form.errors else status)


FILTERS = {"": "全部行", "error": "仅错误行", "create": "仅新建", "update": "仅更新"}
COMMIT_ROWS_PER_SECOND = 2500  # measured by `dangjian bench import`; only for the time estimate


class BatchMixin:
    """A batch is its uploader's own (ImportBatch.objects.visible_to): anyone else gets 404."""

    model = ImportBatch

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class ImportDetailView(BatchMixin, ObjectDetailView):
    template_name = "members/import_detail.html"

    def get_title(self):
        return f"导入：{self.object.file_name}"

    def get_breadcrumbs(self):
        return _crumbs((self.object.file_name, None))

    def get_extra_context(self):
        batch = self.object
        shown = self.request.GET.get("show", "")
        rows = batch.rows.order_by("ok", "number")
        if shown in ("error", "create", "update"):
            rows = rows.filter(action=shown)
        return {"batch": batch, "page": paginate(self.request, rows), "running": batch.status in RUNNING,
                "filters": FILTERS, "shown": shown if shown in FILTERS else "", "remaining": _remaining_seconds(batch)}


def _remaining_seconds(batch: ImportBatch) -> int | None:
    """The commit writes in one transaction, which no other connection can watch on SQLite: the
    page shows an estimate from the row count instead of a measured percentage."""
    if batch.status != ImportBatch.Status.COMMITTING or not batch.phase_started:
        return None
    elapsed = (timezone.now() - batch.phase_started).total_seconds()
    return max(1, round(batch.valid_rows / COMMIT_ROWS_PER_SECOND - elapsed))


class ImportProgressView(BatchMixin, ObjectDetailView):
    """Polled every second by the batch page (htmx); when the work is done it asks for a reload
    so the page shows the outcome."""

    template_name = "members/import_progress.html"

    def get(self, request, *args, **kwargs):
        batch = self.object
        if not request.htmx:
            return redirect("members:import_detail", pk=batch.pk)
        response = super().get(request, *args, **kwargs)
        if batch.status not in RUNNING:
            response["HX-Refresh"] = "true"
        return response

    def get_extra_context(self):
        batch = self.object
        return {"batch": batch, "running": batch.status in RUNNING, "remaining": _remaining_seconds(batch)}


class BatchActionView(ServiceActionView):
    def prepare(self):
        self.batch = get_object_or_404(ImportBatch.objects.visible_to(self.request.user).select_related("org"),
                                       pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"batch": self.batch}

    def get_back_url(self):
        return reverse("members:import_detail", args=[self.batch.pk])


class ImportCommitView(BatchActionView):
    """Queue the commit on the task worker; the page then shows its progress."""

    service = importing.batch_commit_queue

    def succeeded(self, result):
        batch = self.batch
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(self.request, f"导入完成：新建 {batch.created_rows} 名，更新 {batch.updated_rows} 名党员")
        elif batch.status == ImportBatch.Status.FAILED:
            messages.error(self.request, batch.message)
        return redirect(self.get_back_url())


class ImportDiscardView(BatchActionView):
    service = importing.batch_discard

    def succeeded(self, result):
        messages.info(self.request, "已放弃这次导入")
        return redirect("members:import")


@not_generic("a file download: the batch's error rows as CSV or .xlsx")
@login_required
def import_report(request, pk, fmt):
    """The error rows (row number, name, masked ID, reasons), as CSV with BOM or as xlsx, for the
    person fixing the file."""
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("org"), pk=pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    with transaction.atomic():
        audit.record("member.import.report", obj=batch, org=batch.org,
                     changes={"errors": batch.error_rows, "format": fmt})
    if fmt == "xlsx":
        out = io.BytesIO()
        importing.error_report_xlsx(batch, out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(importing.error_report_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@not_generic("a file download: the blank roster template")
@login_required
def import_template(request):
    """The blank roster to fill in: every column, an example row, and notes on each column."""
    require_perm(request.user, "member.change")
    out = io.BytesIO()
    importing.template_xlsx(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


class MemberXlsxExport:
    """``export=xlsx`` on the member list: the filtered, scoped list in the roster layout, ID and
    phone numbers masked, audited like the CSV export. With ``unmask=1``, full numbers, for users
    who may unmask every member of the list (the file then reads back in as an import); the audit
    entry says so."""

    export_formats = ("csv", "xlsx")

    def export_xlsx(self, request, queryset):
        queryset = self.scope_export(queryset)
        unmasked = request.GET.get("unmask") == "1"
        total = queryset.count()
        if total > MAX_EXPORT_ROWS:
            messages.error(request, f"导出行数 {total} 超过上限 {MAX_EXPORT_ROWS}，请先筛选")
            return redirect(request.path)
        if unmasked:
            refused = total - queryset.filter(pk__in=Member.objects.visible_to(request.user, "unmask")).count()
            if refused:
                with transaction.atomic():
                    audit.record("export", object_type="members.member", result="denied", changes={
                        "rows": total, "unmasked": True, "refused": refused, "format": "xlsx"})
                messages.error(request, f"列表中有 {refused} 名党员您无权查看完整号码，请缩小筛选范围，或导出脱敏名单")
                return redirect(request.path)
        out = io.BytesIO()
        importing.export_xlsx(queryset, out, unmasked=unmasked)
        with transaction.atomic():
            audit.record("export", object_type="members.member", changes={
                "rows": total, "filters": request.GET.urlencode()[:500], "format": "xlsx", "unmasked": unmasked})
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        suffix = "-full" if unmasked else ""
        response["Content-Disposition"] = f'attachment; filename="member-{stamp}{suffix}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
