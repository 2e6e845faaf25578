"""The dashboard's tables as an .xlsx workbook: one sheet per chart and one for the heat map,
each figure as the page shows it (no personal data: counts only), audited like the lists' exports."""

import io

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from core import audit
from core.views import csv_safe
from insights.dashboards import Dashboard

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(board: Dashboard) -> bytes:
    from openpyxl import Workbook  # about 0.4 s to import: loaded for an export only

    workbook = Workbook(write_only=True)
    for chart in board.charts:
        sheet = workbook.create_sheet(chart.title[:31])
        sheet.append([csv_safe(board.org.name), csv_safe(chart.title), f"{board.today:%Y-%m-%d}"])
        sheet.append(["项目", "数量"])
        for figure in chart.figures:
            sheet.append([csv_safe(figure.label), figure.value])
        if chart.summable:
            sheet.append(["合计", chart.total])
        if chart.note:
            sheet.append([csv_safe(chart.note)])
    if board.heat is not None:
        sheet = workbook.create_sheet("三会一课完成率")
        sheet.append(["党组织", *(f"{m:%Y-%m}" for m in board.heat.months)])
        for org, cells in board.heat.rows:
            sheet.append([csv_safe(org.name), *("" if rate is None else rate for rate, _url in cells)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def dashboard_xlsx(request, board: Dashboard) -> HttpResponse:
    content = workbook_bytes(board)
    with transaction.atomic():
        audit.record("export", obj=board.org, changes={"what": "insights.dashboard", "format": "xlsx",
                                                      "filters": request.GET.urlencode()[:500]})
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (f'attachment; filename="dashboard-{board.org.code or board.org.pk}-'
                                       f'{timezone.localtime():%Y%m%d%H%M}.xlsx"')
    response["Cache-Control"] = "no-store"
    return response
