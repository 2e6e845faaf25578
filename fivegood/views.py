"""五好党支部 pages: the home (figures per child org, the self-assessments to fill in and those to
assess), the standards (list, a set's dimensions and items, new, edit, issue, new version), the
assessments (list with export, the assessment, the self-assessment on a phone, submit, the upper
level's assessment, return, reopen) and the exemplars (select, publish on the portal)."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from core import files
from core.access import get_scope
from core.errors import NotFound
from core.views import (
    GenericView,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from fivegood import selectors, services
from fivegood.filters import AssessmentFilterSet, ExemplarFilterSet, StandardFilterSet
from fivegood.forms import (
    AssessForm,
    ExemplarForm,
    ReasonForm,
    SelfScoreForm,
    StandardForm,
    StartForm,
)
from fivegood.models import (
    ASSESSED_KINDS,
    Assessment,
    AssessmentScore,
    AssessmentState,
    Exemplar,
    Grade,
    StandardSet,
)
from fivegood.rules import items_text
from fivegood.tables import AssessmentTable, ExemplarTable, StandardTable
from orgs.selectors import children, org_or_first_root

OVERSIGHT = ("督导考核", "/oversight/")
CRUMB = ("五好党支部", "/fivegood/")
VIEW, CHANGE, INSPECT = "oversight.view", "oversight.change", "oversight.inspect"
KINDS = {value for value, _label in ASSESSED_KINDS}


def _root(request, perm: str = VIEW):
    return org_or_first_root(request.user, request.GET.get("org"), perm)


@not_generic("a dashboard: figures per child org, the user's self-assessments to fill in and to assess")
class HomeView(GenericView):
    title = "五好党支部"
    required_perm = VIEW

    def prepare(self):
        self.org = _root(self.request)

    def get(self, request):
        year, user = timezone.localdate().year, request.user
        rows = children(self.org, user)
        figures = selectors.children_counts([self.org, *rows], year)
        scope = get_scope(user)
        can_start = (self.org.kind in KINDS and scope.covers(self.org.path, CHANGE)
                     and not Assessment.objects.filter(org=self.org, year=year).exists())
        return render(request, "fivegood/home.html", {
            "title": self.title, "breadcrumbs": [OVERSIGHT, (self.title, None)], "org": self.org, "year": year,
            "total": figures[self.org.pk], "rows": [(child, figures[child.pk]) for child in rows],
            "to_fill": list(selectors.to_fill(user)[:20]), "to_assess": list(selectors.to_assess(user)[:20]),
            "can_start": can_start, "can_change": scope.covers(self.org.path, CHANGE)})


# --- standards -------------------------------------------------------------------------------------

class StandardListView(ObjectListView):
    required_perm = VIEW
    model = StandardSet
    filterset_class = StandardFilterSet
    table = StandardTable
    title = "创建标准"
    breadcrumbs = [OVERSIGHT, CRUMB, ("创建标准", None)]
    template_name = "fivegood/standards.html"
    default_order = ("-year", "pk")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(CHANGE)}


class StandardView(ObjectDetailView):
    model = StandardSet
    template_name = "fivegood/standard.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return str(self.object)

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, ("创建标准", reverse("fivegood:standards")), (str(self.object), None)]

    def get_extra_context(self):
        dimensions = selectors.dimensions_of(self.object)
        return {"dimensions": [(d, items, sum(i.points for i in items)) for d, items in dimensions],
                "total": sum(i.points for _d, items in dimensions for i in items),
                "can_change": get_scope(self.request.user).covers(self.object.org.path, CHANGE)}


class StandardFormView(ServiceFormView):
    form_class = StandardForm
    service = services.standard_save
    success_message = "已保存创建标准：{result}"

    def prepare(self):
        self.standard = None
        if "pk" in self.kwargs:
            self.standard = get_object_or_404(StandardSet.objects.visible_to(self.request.user, "change")
                                              .select_related("org"), pk=self.kwargs["pk"])
            self.org = self.standard.org
        else:
            self.org = _root(self.request, CHANGE)

    def get_form_kwargs(self):
        if self.request.method == "POST" or self.standard is None:
            return {}
        s = self.standard
        content = [(d.name, [(i.text, i.points) for i in items]) for d, items in selectors.dimensions_of(s)]
        return {"initial": {"title": s.title, "year": s.year, "sector": s.sector, "org_kind": s.org_kind,
                            "items": items_text(content)}}

    def get_service_kwargs(self, form):
        return {"org": self.org, "standard": self.standard, **form.cleaned_data}

    def get_title(self):
        return f"修改创建标准：{self.standard}" if self.standard else f"制定创建标准（{self.org.name}）"

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, ("创建标准", reverse("fivegood:standards")), (self.get_title(), None)]

    def get_cancel_url(self):
        return self.standard.get_absolute_url() if self.standard else reverse("fivegood:standards")


class _StandardAction(ServiceActionView):
    confirm = True

    def prepare(self):
        self.standard = get_object_or_404(StandardSet.objects.visible_to(self.request.user, "change")
                                          .select_related("org"), pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"standard": self.standard}

    def get_back_url(self):
        return self.standard.get_absolute_url()

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, (str(self.standard), self.standard.get_absolute_url()), (self.get_title(), None)]


class StandardIssueView(_StandardAction):
    service = services.standard_issue
    title = "印发创建标准"
    submit_label = "印发"
    success_message = "已印发创建标准，下级党支部按此开展自评"

    def get_intro(self):
        return "印发后标准不再修改；需要调整的，可以制定新版本。"


class StandardVersionView(_StandardAction):
    service = services.standard_new_version
    title = "制定新版本"
    submit_label = "制定新版本"
    success_message = "已制定新版本（草稿），修改后印发"

    def get_intro(self):
        return "按本标准复制一份草稿作为新版本；已开始的考评仍按原版本进行。"

    def get_success_url(self, result):
        return result.get_absolute_url()


# --- assessments -----------------------------------------------------------------------------------

class AssessmentListView(ObjectListView):
    required_perm = VIEW
    model = Assessment
    filterset_class = AssessmentFilterSet
    table = AssessmentTable
    title = "五好党支部考评"
    breadcrumbs = [OVERSIGHT, CRUMB, ("考评", None)]
    default_order = ("-year", "org__path")
    export_action = "view"
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")


class AssessmentStartView(ServiceFormView):
    form_class = StartForm
    service = services.assessment_start
    success_message = "已开始自评：请逐项填写得分和佐证材料"
    submit_label = "开始自评"

    def prepare(self):
        self.org = _root(self.request, CHANGE)

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_success_url(self, result):
        return reverse("fivegood:self_score", args=[result.pk])

    def get_title(self):
        return f"开始五好党支部自评（{self.org.name}）"

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, (self.get_title(), None)]

    def get_cancel_url(self):
        return reverse("fivegood:home")


def _rows(assessment: Assessment) -> list[AssessmentScore]:
    return list(assessment.scores.select_related("item__dimension"))


class AssessmentView(ObjectDetailView):
    model = Assessment
    template_name = "fivegood/assessment.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "standard_set__org", "assessor", "assessed_by")

    def get_title(self):
        return f"{self.object.org.name} {self.object.year}年五好党支部考评"

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, ("考评", reverse("fivegood:assessments")), (self.object.org.name, None)]

    def get_extra_context(self):
        a, scope = self.object, get_scope(self.request.user)
        own = scope.covers(a.org.path, CHANGE)
        upper = scope.covers_above(a.org.path, INSPECT)
        return {"rows": _rows(a), "changes": list(a.grade_changes.select_related("by")),
                "exemplar": Exemplar.objects.filter(assessment=a).first(),
                "can_fill": own and a.state == AssessmentState.SELF,
                "can_assess": upper and a.state == AssessmentState.SUBMITTED,
                "can_reopen": upper and a.state == AssessmentState.ASSESSED,
                "can_select": upper and a.state == AssessmentState.ASSESSED and a.grade == Grade.FIVE_GOOD}


class _AssessmentAction(ServiceFormView):
    """An action on one assessment the user sees: the branch's (oversight.change on it) or the
    upper level's (oversight.inspect strictly above it)."""

    upper = True

    def prepare(self):
        self.assessment = get_object_or_404(Assessment.objects.visible_to(self.request.user, "view")
                                            .select_related("org", "standard_set"), pk=self.kwargs["pk"])
        scope, path = get_scope(self.request.user), self.assessment.org.path
        if not (scope.covers_above(path, INSPECT) if self.upper else scope.covers(path, CHANGE)):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"assessment": self.assessment, **form.cleaned_data}

    def get_success_url(self, result):
        return self.assessment.get_absolute_url()

    def get_cancel_url(self):
        return self.assessment.get_absolute_url()

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, ("考评", reverse("fivegood:assessments")),
                (self.assessment.org.name, self.assessment.get_absolute_url()), (self.get_title(), None)]


class SelfScoreView(_AssessmentAction):
    """The self-assessment on a phone: item by item a score, the evidence, a photo or PDF."""

    upper = False
    form_class = SelfScoreForm
    service = services.assessment_self_score
    submit_label = "保存自评"
    success_message = "已保存自评；全部填完后请提交上级考评"

    def get_form_kwargs(self):
        return {"rows": _rows(self.assessment)}

    def get_service_kwargs(self, form):
        return {"assessment": self.assessment, "scores": form.scores(), "uploads": form.uploads()}

    def get_intro(self):
        reason = self.assessment.return_reason
        return f"上级退回：{reason}" if reason and self.assessment.state == AssessmentState.SELF else ""

    def get_title(self):
        return f"{self.assessment.year}年五好党支部自评"


class SubmitView(_AssessmentAction, ServiceActionView):
    upper = False
    confirm = True
    service = services.assessment_submit
    title = "提交上级考评"
    submit_label = "提交"
    success_message = "已提交，等待上级考评"

    def get_service_kwargs(self, form):
        return {"assessment": self.assessment}

    def get_back_url(self):
        return self.assessment.get_absolute_url()

    def get_intro(self):
        return f"自评得分 {self.assessment.self_total} 分。提交后不能再修改自评，上级退回的除外。"


class AssessView(_AssessmentAction):
    form_class = AssessForm
    service = services.assessment_assess
    submit_label = "确定考评"
    def get_success_message(self, result):
        return f"已考评，等次：{result.get_grade_display()}"

    def get_form_kwargs(self):
        return {"rows": _rows(self.assessment)}

    def get_service_kwargs(self, form):
        return {"assessment": self.assessment, "scores": form.scores()}

    def get_intro(self):
        return "逐项评分；等次按得分自动确定（见规则“五好党支部等次”）。"

    def get_title(self):
        return f"考评：{self.assessment.org.name}"


class ReturnView(_AssessmentAction):
    form_class = ReasonForm
    service = services.assessment_return
    submit_label = "退回自评"
    success_message = "已退回，党支部修改后重新提交"

    def get_title(self):
        return "退回自评"


class ReopenView(_AssessmentAction):
    form_class = ReasonForm
    service = services.assessment_reopen
    submit_label = "重新考评"
    success_message = "已撤销原等次，请重新考评"

    def get_intro(self):
        return "原等次撤销（留有记录），重新逐项评分后确定新的等次。"

    def get_title(self):
        return "重新考评"


@not_generic("an item's evidence file, served as an attachment after the scope check")
class ScoreFileView(GenericView):
    def get(self, request, pk):
        row = get_object_or_404(AssessmentScore.objects.visible_to(request.user, "view").exclude(file=""), pk=pk)
        return files.attachment(row.file, row.file_name, row.file_type)


# --- exemplars -------------------------------------------------------------------------------------

class ExemplarListView(ObjectListView):
    required_perm = VIEW
    model = Exemplar
    filterset_class = ExemplarFilterSet
    table = ExemplarTable
    title = "先进典型"
    breadcrumbs = [OVERSIGHT, CRUMB, ("先进典型", None)]
    default_order = ("-year", "org__path")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org", "selected_by")


class ExemplarSelectView(_AssessmentAction):
    form_class = ExemplarForm
    service = services.exemplar_select
    submit_label = "遴选为先进典型"
    success_message = "已遴选为先进典型：{result}"

    def get_service_kwargs(self, form):
        org = selectors.assessing_org(self.request.user, self.assessment.org)
        return {"org": org, "assessment": self.assessment, **form.cleaned_data}

    def get_success_url(self, result):
        return reverse("fivegood:exemplars")

    def get_title(self):
        return f"遴选先进典型：{self.assessment.org.name}"


class ExemplarPublishView(ServiceActionView):
    confirm = True
    service = services.exemplar_publish
    title = "宣传先进典型"
    submit_label = "在门户网站发布"
    success_message = "已在门户网站党务公开栏目发布"

    def prepare(self):
        self.exemplar = get_object_or_404(Exemplar.objects.visible_to(self.request.user, "view")
                                          .select_related("org", "selected_by"), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.exemplar.selected_by.path, INSPECT):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"exemplar": self.exemplar}

    def get_back_url(self):
        return reverse("fivegood:exemplars")

    def get_intro(self):
        return f"“{self.exemplar.title}”将作为通知在门户网站党务公开栏目发布。"

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, ("先进典型", reverse("fivegood:exemplars")), (self.title, None)]
