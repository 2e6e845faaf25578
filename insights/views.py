"""Insights pages: the warnings (预警) and the health index (健康指数) of one org's subtree, about
``?org=`` (id or code) among the orgs granting orglife.view (404 otherwise), by default the user's
top one. The workbench is the home page (dangjian.views.home), which reads ``selectors.workbench``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from core import audit
from core.paging import paginate
from core.views import ObjectDetailView
from insights import dashboards, export, report, rules, selectors
from orgs.models import Org
from orgs.selectors import with_branch_names

CRUMB = ("预警", None)


class InsightsView(ObjectDetailView):
    required_perm = selectors.PERM
    model = Org

    def get_object(self):
        return selectors.org_root(self.request.user, self.request.GET.get("org"))


class WarningsView(InsightsView):
    """Every warning of the subtree, red first, each with its rule and a link to its records; paged."""

    template_name = "insights/warnings.html"

    def get_title(self):
        return f"预警：{self.object.name}"

    def get_extra_context(self):
        today = timezone.localdate()
        found = selectors.warnings(self.object, today)
        page = paginate(self.request, found)
        selectors.explain(list(page.object_list), today)
        with_branch_names([w.org for w in page.object_list], self.request.user)  # a group beside its branch
        counts = {level: sum(1 for w in found if w.level == level) for level in (rules.RED, rules.YELLOW)}
        return {"page": page, "counts": counts, "today": today, "list_max": selectors.LIST_MAX,
                "absence_max": selectors.ABSENCE_BRANCHES_MAX, "kinds": selectors.KIND_LABELS}


class HealthView(InsightsView):
    """The health index of each child org, worst first, with the formula and the weights in force."""

    template_name = "insights/health.html"

    def get_title(self):
        return f"党组织健康指数：{self.object.name}"

    def get_extra_context(self):
        weights, rows = selectors.health(self.object, self.request.user)
        return {"weights": weights, "rows": rows, "components": rules.COMPONENTS, "formula": rules.FORMULA}


def year_param(value: str | None) -> int:
    """``?year=``: from 2000 to this year, by default this year; anything else is a clear 400."""
    this_year = timezone.localdate().year
    if not value:
        return this_year
    if not value.strip().isdigit() or not 2000 <= int(value) <= this_year:
        raise ValidationError(f"年度参数有误：请填写 2000 年至 {this_year} 年之间的年份")
    return int(value)


class AnnualReportView(InsightsView):
    """The annual report of the subtree (insights.report): read on the page, downloaded as .docx
    (``?format=docx``), PDF (``?format=pdf``) or .xlsx (``?format=xlsx``); each download is audited
    as an export."""

    template_name = "insights/report.html"

    def prepare(self):
        super().prepare()
        self.year = year_param(self.request.GET.get("year"))
        self.format = self.request.GET.get("format", "")
        if self.format not in ("", *FORMATS):
            raise ValidationError("格式参数有误：只能是 docx、pdf 或 xlsx")

    def get_title(self):
        return report.title_of(self.made)

    def get(self, request, *args, **kwargs):
        self.made = report.annual(self.object, self.year)
        if not self.format:
            return super().get(request, *args, **kwargs)
        content = {"docx": report.docx_bytes, "pdf": report.pdf_bytes, "xlsx": report.xlsx_bytes}[self.format](self.made)
        with transaction.atomic():
            audit.record("export", obj=self.object, changes={"report": "annual", "year": self.year,
                                                            "format": self.format})
        response = HttpResponse(content, content_type=FORMATS[self.format])
        response["Content-Disposition"] = (f'attachment; filename="annual-{self.object.code}-{self.year}.{self.format}"')
        return response

    def get_extra_context(self):
        this_year = timezone.localdate().year
        # Each cell with its column's header: the phone layout shows a row as labelled lines.
        tables = [(title, header, [list(zip(header, row, strict=True)) for row in rows])
                  for title, header, rows in self.made.tables]
        return {"report": self.made, "tables": tables, "year": self.year,
                "years": range(this_year, max(this_year - 5, 1999), -1)}


FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
class DashboardView(InsightsView):
    """The org's dashboard: each chart beside its table, every figure a link to its records, each
    child org's bar to that child's dashboard; ``?export=xlsx`` the tables as a workbook."""

    template_name = "insights/dashboard.html"

    def get_title(self):
        return f"数据看板：{self.object.name}"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            board = dashboards.dashboard(self.object, request.user, timezone.localdate())
            return export.dashboard_xlsx(request, board)
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        board = dashboards.dashboard(self.object, self.request.user, timezone.localdate())
        return {"board": board}


class ScreenView(InsightsView):
    """The big screen (大屏): 1920×1080, its figures fetched again every minute from the API."""

    template_name = "insights/screen.html"

    def get_title(self):
        return f"大屏：{self.object.name}"

    def get(self, request, *args, **kwargs):
        if request.GET.get("data"):  # the page's own refresh: the API's figures under the session's login
            response = JsonResponse(dashboards.screen_data(self.object, request.user, timezone.localdate()))
            response["Cache-Control"] = "no-store"
            return response
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        indicator = self.request.GET.get("indicator", "members")
        if indicator not in dashboards.INDICATORS:
            indicator = "members"
        return {"indicator": indicator, "indicators": dashboards.INDICATORS,
                "refresh_seconds": dashboards.SCREEN_REFRESH_SECONDS}
