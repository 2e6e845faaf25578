"""/api/v1/imports: roster imports for other systems, the same batches as the pages. Upload a file
(multipart), poll the batch until it is checked, read its rows, then commit or discard. A batch
is its uploader's own: anyone else gets 404. Numbers are masked in every answer."""

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core.access import require_perm
from core.api import REFUSED, Pagination, PathId, model_in, model_out
from members import importing
from members.models import ImportBatch, ImportRow
from orgs.models import Org

router = Router(tags=["花名册导入"])


class BatchComputed(Schema):
    status_label: str
    org_code: str | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_org_code(obj):
        return obj.org.code if obj.org_id else None


BatchOut = model_out("BatchOut", ImportBatch, [
    "id", "file_name", "status", "progress", "total_rows", "valid_rows", "error_rows", "created_rows", "updated_rows",
    "message", "created", "committed_at"], base=BatchComputed)


class RowComputed(Schema):
    errors: list[str]

    @staticmethod
    def resolve_errors(obj):
        return obj.error_list()


RowOut = model_out("RowOut", ImportRow, ["number", "name", "id_masked", "org_name", "action"], base=RowComputed)
RowFilters = model_in("RowFilters", ImportRow, ["action"], partial=True)


class UploadFields(Schema):
    org: str = Field("", max_length=Org._meta.get_field("code").max_length,
                     description="文件中没有“所在党组织”列时使用的默认党组织代码")


def _require_importer(request) -> None:
    require_perm(request.user, "member.change")


def _batch(request, batch_id: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("org"), pk=batch_id)


@router.get("", response=list[BatchOut])
@paginate(Pagination)
def import_list(request):
    """本人上传的导入批次，最近的在前。"""
    _require_importer(request)
    return ImportBatch.objects.visible_to(request.user).select_related("org").order_by("-created", "-pk")


@router.post("", response={201: BatchOut, **REFUSED})
def import_upload(request, file: File[UploadedFile], fields: Form[UploadFields]):
    """上传花名册（.xlsx 或 .csv）。检查在后台进行：轮询批次直到 status 为 previewed 或 failed。
    org：文件中没有“所在党组织”列时使用的默认党组织代码。"""
    _require_importer(request)
    default_org = None
    if fields.org.strip():
        default_org = Org.objects.visible_to(request.user).filter(code=fields.org.strip().upper()).first()
        if default_org is None:
            return Status(404, {"detail": "组织不存在或不在您的管理范围内"})
    batch = importing.batch_submit(actor=request.user, upload=file, file_name=file.name or "roster",
                                   default_org=default_org)
    batch.refresh_from_db()
    return Status(201, batch)


@router.get("/{int:batch_id}", response=BatchOut)
def import_detail(request, batch_id: PathId):
    return _batch(request, batch_id)


@router.get("/{int:batch_id}/rows", response=list[RowOut])
@paginate(Pagination)
def import_rows(request, batch_id: PathId, filters: Query[RowFilters]):
    """每行的检查结果，错误行在前；action=error 只看错误行（create / update 同理）。"""
    rows = _batch(request, batch_id).rows.order_by("ok", "number")
    if filters.action:
        rows = rows.filter(action=filters.action)
    return rows


@router.post("/{int:batch_id}/commit", response={202: BatchOut, **REFUSED})
def import_commit(request, batch_id: PathId):
    """确认导入：在后台一个事务中写入全部行（全部成功或全部撤销）；轮询批次直到 committed 或 failed。"""
    batch = _batch(request, batch_id)
    importing.batch_commit_queue(actor=request.user, batch=batch)
    batch.refresh_from_db()
    return Status(202, batch)


@router.post("/{int:batch_id}/discard", response={200: BatchOut})
def import_discard(request, batch_id: PathId):
    batch = _batch(request, batch_id)
    importing.batch_discard(actor=request.user, batch=batch)
    batch.refresh_from_db()
    return batch
