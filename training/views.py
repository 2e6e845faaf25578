"""Group study and training pages: the home (this year's counts for the user's org from the
summary rows, recent studies and classes; a member's own), the lists of group studies and classes,
their forms, a group study's page (with the undo of a record made in error), a class's page
(sessions, enrolments with hours attended, completion), enrolling, recording a session, closing a
class, and rotation coverage (轮训) per child org with the list of those still to train."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from core.access import get_scope
from core.errors import NotFound
from core.views import (
    GenericView,
    MemberOrManagerView,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from members.models import Member
from members.selectors import own_member
from orgs.models import Org
from orgs.selectors import children, managed_roots, org_param
from training import rules, selectors, services
from training.filters import ClassFilterSet, GroupStudyFilterSet
from training.forms import ClassForm, EnrolForm, GroupStudyForm, SessionForm
from training.models import Enrolment, GroupStudy, GroupStudyKind, Target, TrainingClass
from training.tables import ClassTable, GroupStudyTable

CRUMB = ("集中学习与培训", "/training/")
PERM = "learning.change"




def _org(user, value, perm: str = "learning.view") -> Org | None:
    """The org named by ``?org=`` among those the user holds ``perm`` on, else their first."""
    org = org_param(user, value, perm)
    if org is None:
        roots = managed_roots(user, perm)
        org = roots[0] if roots else None
    return org


@not_generic("a dashboard: a manager's counts and recent records beside a member's own; no one object, list or form")
class TrainingHomeView(MemberOrManagerView):
    title = "集中学习与培训"

    manager_perm = "learning.view"

    def get(self, request):
        today = timezone.localdate()
        start, end = selectors.year_range(today.year)
        context: dict = {"title": self.title, "breadcrumbs": [(self.title, None)], "year": today.year}
        member = own_member(request.user)
        if member is not None:
            context.update(member=member, enrolments=list(selectors.my_enrolments(member)[:20]),
                           studies=list(selectors.my_group_studies(member, today.year)[:20]))
        org = _org(request.user, None)
        if org is not None:
            context.update(org=org, counts=selectors.counts(org, start, end),
                           children=selectors.children_counts(org, children(org, request.user), start, end),
                           recent=list(selectors.group_studies(request.user).filter(org__path__startswith=org.path)
                                       .order_by("-held_on", "-pk")[:10]),
                           classes=list(selectors.classes(request.user).filter(org__path__startswith=org.path)
                                        .order_by("-starts", "-pk")[:10]),
                           can_change=get_scope(request.user).has_any_org_perm(PERM))
        return render(request, "training/home.html", context)


class GroupStudyListView(ObjectListView):
    required_perm = "learning.view"
    model = GroupStudy
    filterset_class = GroupStudyFilterSet
    table = GroupStudyTable
    title = "集中学习记录"
    breadcrumbs = [CRUMB, ("集中学习记录", None)]
    default_order = ("-held_on", "-pk")
    tree_order = False
    template_name = "training/group_studies.html"

    def get_base_queryset(self):
        return selectors.group_studies(self.request.user)

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(PERM)}


class ClassListView(ObjectListView):
    required_perm = "learning.view"
    model = TrainingClass
    filterset_class = ClassFilterSet
    table = ClassTable
    title = "培训班"
    breadcrumbs = [CRUMB, ("培训班", None)]
    default_order = ("-starts", "-pk")
    tree_order = False
    template_name = "training/classes.html"

    def get_base_queryset(self):
        return selectors.classes(self.request.user)

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(PERM)}


class OrgFormMixin:
    """A form for an org the user manages learning of: ``?org=`` (id or code), else their first."""

    def prepare(self):
        self.org = _org(self.request.user, self.request.GET.get("org"), PERM)
        if self.org is None:
            raise Http404


class GroupStudyCreateView(OrgFormMixin, ServiceFormView):
    form_class = GroupStudyForm
    service = services.group_study_record
    submit_label = "保存"
    success_message = "已记录集中学习：{result}"

    def get_form_kwargs(self):
        kwargs = {"candidates": selectors.group_study_candidates(self.org)}
        if self.request.method != "POST":
            kwargs["initial"] = {"held_on": timezone.localdate(),
                                 "kind": GroupStudyKind.BRANCH if self.org.is_branch else GroupStudyKind.CENTER}
        return kwargs

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_title(self):
        return f"记录集中学习（{self.org.name}）"

    def get_intro(self):
        return "另一个党组织的集中学习：在地址后加 ?org=组织代码。"

    def get_breadcrumbs(self):
        return [CRUMB, ("集中学习记录", reverse("training:group_studies")), ("记录集中学习", None)]

    def get_cancel_url(self):
        return reverse("training:group_studies")


class GroupStudyDetailView(ObjectDetailView):
    model = GroupStudy
    template_name = "training/group_study.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "recorded_by")

    def get_title(self):
        return f"{self.object.get_kind_display()}：{self.object.topic}"

    def get_breadcrumbs(self):
        return [CRUMB, ("集中学习记录", reverse("training:group_studies")), (self.object.topic, None)]

    def get_extra_context(self):
        return {"attendances": list(self.object.attendances.select_related("member", "org").order_by("member__name")),
                "can_change": get_scope(self.request.user).covers(self.object.org.path, PERM)}


class GroupStudyDeleteView(ServiceActionView):
    service = services.group_study_delete
    confirm = True
    submit_label = "确认删除"
    success_message = "已删除这条集中学习记录，出席党员的相应学时一并撤销"

    def prepare(self):
        self.study = get_object_or_404(selectors.group_studies(self.request.user), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.study.org.path, PERM):
            raise NotFound

    def get_title(self):
        return f"删除集中学习记录：{self.study}"

    def get_intro(self):
        return f"删除后，{self.study.attendances.count()}名出席党员的{self.study.hours}学时一并撤销。只用于更正误录的记录。"

    def get_service_kwargs(self, form):
        return {"study": self.study}

    def get_cancel_url(self):
        return self.study.get_absolute_url()

    def get_success_url(self, result):
        return reverse("training:group_studies")


class ClassCreateView(OrgFormMixin, ServiceFormView):
    form_class = ClassForm
    service = services.class_create
    submit_label = "开班"
    success_message = "已开班：{result}"

    def get_form_kwargs(self):
        if self.request.method == "POST":
            return {}
        today = timezone.localdate()
        return {"initial": {"starts": today, "ends": today, "cycle_start": today.year, "cycle_end": today.year,
                            "target": Target.SECRETARIES}}

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_title(self):
        return f"举办培训班（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("培训班", reverse("training:classes")), ("举办培训班", None)]

    def get_cancel_url(self):
        return reverse("training:classes")


class ClassMixin:
    """A class the user sees (404 otherwise); ``change`` views need learning.change on its org."""

    change = False

    def prepare(self):
        self.klass = get_object_or_404(selectors.classes(self.request.user), pk=self.kwargs["pk"])
        if self.change and not get_scope(self.request.user).covers(self.klass.org.path, PERM):
            raise NotFound

    def get_cancel_url(self):
        return self.klass.get_absolute_url()

    def get_success_url(self, result):
        return self.klass.get_absolute_url()


class ClassDetailView(ObjectDetailView):
    model = TrainingClass
    template_name = "training/class.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, ("培训班", reverse("training:classes")), (self.object.title, None)]

    def get_extra_context(self):
        klass = self.object
        rows = selectors.enrolment_rows(klass)
        total = selectors.class_hours(klass)
        return {"sessions": list(klass.sessions.all()), "rows": rows, "total": total,
                "needed": (total * rules.COMPLETE_SHARE).quantize(Decimal("0.1")),
                "completed": sum(1 for r in rows if r.enrolment.completed),
                "can_change": get_scope(self.request.user).covers(klass.org.path, PERM) and not klass.closed_on}


class CertificateView(ObjectDetailView):
    """A completed enrolment's certificate (结业证书), laid out to print on one A4 page: the member
    and the class's managers (its organiser's subtree) see it; an enrolment not completed has none."""

    model = Enrolment
    template_name = "training/certificate.html"

    def get_queryset(self):
        return super().get_queryset().filter(completed=True).select_related("klass__org", "member", "org")

    def get_title(self):
        return f"结业证书 {self.object.certificate_no}"

    def get_breadcrumbs(self):
        return [CRUMB, (self.object.klass.title, None), ("结业证书", None)]

    def get_extra_context(self):
        return {"enrolment": self.object, "klass": self.object.klass,
                "hours": selectors.enrolment_hours(self.object)}


class EnrolView(ClassMixin, ServiceFormView):
    """Enrol members: the target group's members of the organiser's subtree not yet trained in
    the class's cycle and not enrolled, by org (at most ``selectors.MAX_TO_TRAIN``)."""

    change = True
    form_class = EnrolForm
    service = services.enrol
    submit_label = "报名"

    def get_form_kwargs(self):
        _, _, names, _ = selectors.rotation(self.klass.org, [], self.klass.target, self.klass.cycle_start,
                                            self.klass.cycle_end)
        enrolled = self.klass.enrolments.values("member_id")
        ids = [m.pk for m in names]
        candidates = (Member.objects.filter(pk__in=ids).exclude(pk__in=enrolled).select_related("org")
                      .order_by("org__path", "name", "pk"))
        return {"candidates": candidates}

    def get_service_kwargs(self, form):
        return {"klass": self.klass, "members": list(form.cleaned_data["members"])}

    def get_success_message(self, result):
        return f"已报名 {len(result)} 人"

    def get_title(self):
        return f"报名：{self.klass.title}"

    def get_intro(self):
        return (f"列出{self.klass.org.name}及下级中{self.klass.get_target_display()}在{self.klass.cycle}轮训周期内"
                "尚未结业、也未报名本班的党员（按组织排列，最多500名）。")

    def get_breadcrumbs(self):
        return [CRUMB, (self.klass.title, self.klass.get_absolute_url()), ("报名", None)]


class SessionCreateView(ClassMixin, ServiceFormView):
    change = True
    form_class = SessionForm
    service = services.session_record
    submit_label = "保存"
    success_message = "已记录课次：{result}"

    def get_form_kwargs(self):
        enrolled = Member.objects.filter(enrolments__klass=self.klass).order_by("name", "pk")
        kwargs = {"enrolled": enrolled}
        if self.request.method != "POST":
            kwargs["initial"] = {"held_on": min(timezone.localdate(), self.klass.ends)}
        return kwargs

    def get_service_kwargs(self, form):
        return {"klass": self.klass, **form.cleaned_data}

    def get_title(self):
        return f"记录课次：{self.klass.title}"

    def get_breadcrumbs(self):
        return [CRUMB, (self.klass.title, self.klass.get_absolute_url()), ("记录课次", None)]


class ClassCloseView(ClassMixin, ServiceActionView):
    change = True
    service = services.class_close
    confirm = True
    submit_label = "确认结业"

    def get_title(self):
        return f"结业：{self.klass.title}"

    def get_intro(self):
        return (f"出席学时达到总学时{int(rules.COMPLETE_SHARE * 100)}%的学员结业并获得结业证书编号，计为本轮训周期已培训；"
                "结业后不能再报名或记录课次。")

    def get_service_kwargs(self, form):
        return {"klass": self.klass}

    def get_success_message(self, result):
        return f"已结业：{result[0]} 人结业，{result[1]} 人未达到结业学时"


@not_generic("a coverage report chosen by org, target and cycle: per child org, and the names still to train")
class RotationView(GenericView):
    """Rotation coverage (轮训): of a target group in a cycle, per child org, who has been trained
    and who not yet; the list of those still to train, with the classes they may be enrolled in."""

    title = "轮训覆盖"

    def prepare(self):
        if not get_scope(self.request.user).has_any_org_perm("learning.view"):
            raise NotFound

    def get(self, request):
        errors = []
        try:
            org = _org(request.user, request.GET.get("org"))
        except ValidationError as exc:
            raise NotFound from exc
        if org is None:
            raise NotFound
        target = request.GET.get("target") or Target.SECRETARIES
        if target not in Target.values:
            errors.append("培训对象不正确")
            target = Target.SECRETARIES
        year = timezone.localdate().year
        cycle_start, cycle_end = _year(request.GET.get("cycle_start"), year, errors), _year(
            request.GET.get("cycle_end"), year, errors)
        if cycle_end < cycle_start:
            errors.append("轮训周期止不能早于起")
            cycle_start, cycle_end = year, year
        total, rows, names, untrained = selectors.rotation(org, children(org, request.user), target, cycle_start,
                                                           cycle_end)
        open_classes = (selectors.classes(request.user).filter(target=target, closed_on__isnull=True,
                                                               cycle_start__gte=cycle_start, cycle_end__lte=cycle_end)
                        .filter(org__path__in=org.ancestor_paths()) if get_scope(request.user).has_any_org_perm(PERM)
                        else TrainingClass.objects.none())
        return render(request, "training/rotation.html", {
            "title": self.title, "breadcrumbs": [CRUMB, (self.title, None)], "org": org, "target": target,
            "targets": Target.choices, "cycle_start": cycle_start, "cycle_end": cycle_end, "errors": errors,
            "total": total, "rows": rows, "names": names, "untrained": untrained,
            "unlinked": selectors.unlinked_posts(org, target), "open_classes": list(open_classes[:10]),
        })


def _year(value, default: int, errors: list) -> int:
    if not value:
        return default
    if not str(value).isdigit() or not 2000 <= int(value) <= 2100:
        errors.append("轮训周期年份不正确")
        return default
    return int(value)
