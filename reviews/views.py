"""述职评议 pages: the home (a reviewer's subjects to rate, the rounds, the overdue follow-ups),
the rounds (list, new, edit, groups, open, close), a subject (report, the problems inspections
found, the ratings per group for the convening org, the rating form for a reviewer, the result
and feedback), the results list (exported as CSV) and the follow-ups."""

from django.db.models import Count
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
from orgs.selectors import children, org_or_first_root
from oversight.selectors import orgs_named
from reviews import selectors, services
from reviews.filters import FollowUpFilterSet, RoundFilterSet, SubjectFilterSet
from reviews.forms import (
    ReportFeedbackForm,
    ReportFollowUpDoneForm,
    ReportRatingForm,
    ReportRoundForm,
    ReportTextForm,
    ReviewerGroupForm,
)
from reviews.models import FollowUp, Rating, ReportRound, ReportSubject, Reviewer, ReviewerGroup
from reviews.tables import FollowUpTable, ResultTable, RoundTable

OVERSIGHT = ("督导考核", "/oversight/")
CRUMB = ("述职评议", "/reviews/")
VIEW, CHANGE = "oversight.view", "oversight.change"


def _home(user) -> list:
    """The breadcrumbs' start: the oversight home for those who see it (a reviewer without an
    oversight role starts at 述职评议)."""
    return [OVERSIGHT, CRUMB] if get_scope(user).has_any_org_perm(VIEW) else [CRUMB]


@not_generic("a dashboard: a reviewer's subjects to rate, the rounds, the overdue follow-ups")
class HomeView(GenericView):
    title = "述职评议"

    def prepare(self):
        scope = get_scope(self.request.user)
        self.manager = scope.has_any_org_perm(VIEW)
        self.reviewer = Reviewer.objects.filter(user=self.request.user).exists()
        if not (self.manager or self.reviewer or scope.member_id):
            raise NotFound

    def get(self, request):
        user = request.user
        rounds = (list(ReportRound.objects.visible_to(user, "view", tree_order=False).select_related("org")
                       .order_by("-year", "-pk")[:20]) if self.manager else [])
        return render(request, "reviews/home.html", {
            "title": self.title, "breadcrumbs": [*_home(user)[:-1], (self.title, None)],
            "to_rate": list(selectors.to_rate(user)[:100]), "rounds": rounds, "manager": self.manager,
            "overdue": list(selectors.overdue_followups(user)[:20]) if self.manager else [],
            "can_change": get_scope(user).has_any_org_perm(CHANGE)})


class RoundListView(ObjectListView):
    required_perm = VIEW
    model = ReportRound
    filterset_class = RoundFilterSet
    table = RoundTable
    title = "述职评议"
    breadcrumbs = [OVERSIGHT, CRUMB, ("全部评议", None)]
    template_name = "reviews/rounds.html"
    default_order = ("-year", "-pk")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org")

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(CHANGE)}


def _round_crumbs(round: ReportRound, *more) -> list:
    return [OVERSIGHT, CRUMB, (round.title, round.get_absolute_url()), *more]


class RoundView(ObjectDetailView):
    model = ReportRound
    template_name = "reviews/round.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "closed_by")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, (self.object.title, None)]

    def get_extra_context(self):
        round = self.object
        groups = list(round.groups.prefetch_related("reviewers__user"))
        return {"subjects": list(round.subjects.select_related("org").annotate(given=Count("ratings"))
                                 .order_by("org__path")),
                "groups": groups, "weights": sum(g.weight for g in groups),
                "progress": selectors.progress(round),
                "can_change": get_scope(self.request.user).covers(round.org.path, CHANGE)}


class RoundFormView(ServiceFormView):
    form_class = ReportRoundForm
    service = services.round_save
    success_message = "已保存：{result}"

    def prepare(self):
        self.round = None
        if "pk" in self.kwargs:
            self.round = get_object_or_404(ReportRound.objects.visible_to(self.request.user, "change")
                                           .select_related("org"), pk=self.kwargs["pk"])
            self.org = self.round.org
        else:
            self.org = org_or_first_root(self.request.user, self.request.GET.get("org"), CHANGE)

    def get_form_kwargs(self):
        if self.request.method == "POST":
            return {}
        if self.round is None:
            year = timezone.localdate().year
            return {"initial": {"title": f"{year}年度{self.org.name}所属党组织书记抓基层党建工作述职评议"[:100],
                                "subjects": "\n".join(o.code for o in children(self.org, self.request.user))}}
        round = self.round
        return {"initial": {"title": round.title, "year": round.year, "meeting_day": round.meeting_day,
                            "subjects": "\n".join(round.subjects.order_by("org__path")
                                                  .values_list("org__code", flat=True))}}

    def get_service_kwargs(self, form):
        data = dict(form.cleaned_data)
        return {"org": self.org, "round": self.round, **data,
                "subjects": orgs_named(self.org, data["subjects"])}

    def get_title(self):
        return f"修改：{self.round.title}" if self.round else f"新建述职评议（{self.org.name}）"

    def get_breadcrumbs(self):
        return ([*_round_crumbs(self.round), ("修改", None)] if self.round
                else [OVERSIGHT, CRUMB, (self.get_title(), None)])

    def get_cancel_url(self):
        return self.round.get_absolute_url() if self.round else reverse("reviews:rounds")


class _RoundAction:
    """Found among the rounds the user may change (oversight.change on the convening org)."""

    def prepare(self):
        self.round = get_object_or_404(ReportRound.objects.visible_to(self.request.user, "change")
                                       .select_related("org"), pk=self.kwargs["pk"])

    def get_cancel_url(self):
        return self.round.get_absolute_url()

    def get_breadcrumbs(self):
        return _round_crumbs(self.round, (self.get_title(), None))


class GroupFormView(_RoundAction, ServiceFormView):
    form_class = ReviewerGroupForm
    service = services.group_save
    success_message = "已保存评议组：{result}"

    def prepare(self):
        super().prepare()
        self.group = None
        if "group" in self.kwargs:
            self.group = get_object_or_404(ReviewerGroup.objects.filter(round=self.round), pk=self.kwargs["group"])

    def get_form_kwargs(self):
        if self.request.method == "POST" or self.group is None:
            return {}
        group = self.group
        return {"initial": {"name": group.name, "weight": group.weight,
                            "reviewers": "\n".join(group.reviewers.values_list("user__username", flat=True))}}

    def get_service_kwargs(self, form):
        return {"round": self.round, "group": self.group, **form.cleaned_data}

    def get_success_url(self, result):
        return self.round.get_absolute_url()

    def get_title(self):
        return f"修改评议组：{self.group.name}" if self.group else "添加评议组"


class GroupDeleteView(_RoundAction, ServiceActionView):
    service = services.group_delete
    success_message = "已删除评议组"

    def prepare(self):
        super().prepare()
        self.group = get_object_or_404(ReviewerGroup.objects.filter(round=self.round), pk=self.kwargs["group"])

    def get_service_kwargs(self, form):
        return {"group": self.group}

    def get_title(self):
        return "删除评议组"


class RoundOpenView(_RoundAction, ServiceActionView):
    service = services.round_open
    success_message = "已开始评议，评议人可以在“述职评议”中评议"

    def get_service_kwargs(self, form):
        return {"round": self.round}

    def get_title(self):
        return "开始评议"


class RoundCloseView(_RoundAction, ServiceActionView):
    """The confirmation page: what closing does, then the button."""

    service = services.round_close
    confirm = True
    submit_label = "计算结果并结束评议"
    success_message = "已计算评议结果，结果已记入述职人的党员记实"

    def get_intro(self):
        due, given = services.expected_ratings(self.round)
        return (f"已收到评议{given}项（应评{due}项）。结束后按各评议组权重计算每个述职对象的综合得分和等次，"
                "记入述职人的党员记实，评议不能再修改。")

    def get_service_kwargs(self, form):
        return {"round": self.round}

    def get_title(self):
        return "结束评议、计算结果"


class SubjectView(ObjectDetailView):
    model = ReportSubject
    template_name = "reviews/subject.html"

    def get_queryset(self):
        return super().get_queryset().select_related("round__org", "org", "secretary")

    def get_title(self):
        return f"{self.object.org.name}述职"

    def get_breadcrumbs(self):
        round = self.object.round
        scope = get_scope(self.request.user)
        link = round.get_absolute_url() if scope.covers(round.org.path, VIEW) else None
        return [*_home(self.request.user), (round.title, link), (self.object.org.name, None)]

    def get_extra_context(self):
        subject, user = self.object, self.request.user
        scope = get_scope(user)
        convener = scope.covers(subject.round.org.path, CHANGE)
        reviewed = scope.covers(subject.org.path, CHANGE)
        reviewer = Reviewer.objects.filter(round=subject.round, user=user).first()
        rated = reviewer and Rating.objects.filter(subject=subject, reviewer=reviewer).first()
        own = bool(subject.secretary and subject.secretary.user_id == user.pk)
        return {"round": subject.round, "problems": list(selectors.problems_for(user, subject)),
                "groups": selectors.ratings_by_group(subject) if scope.covers(subject.round.org.path, VIEW) else None,
                "can_rate": bool(reviewer) and not rated and not own and subject.round.open,
                "rated": rated, "own": own and bool(reviewer),
                "can_report": (convener or reviewed) and not subject.round.closed,
                "can_feedback": convener and subject.round.closed,
                "followups": list(subject.followups.all()) if (convener or reviewed or scope.covers(
                    subject.org.path, VIEW)) else [],
                "can_done": reviewed, "show_result": subject.round.closed,
                # The feedback is the two orgs' business; a reviewer sees the result only.
                "show_feedback": convener or reviewed or scope.covers(subject.org.path, VIEW)}


def _subject(request, pk, action="view") -> ReportSubject:
    return get_object_or_404(ReportSubject.objects.visible_to(request.user, action)
                             .select_related("round__org", "org", "secretary"), pk=pk)


class _SubjectAction:
    def get_cancel_url(self):
        return self.subject.get_absolute_url()

    def get_success_url(self, result):
        return self.subject.get_absolute_url()

    def get_breadcrumbs(self):
        subject = self.subject
        return [*_home(self.request.user), (subject.org.name, subject.get_absolute_url()), (self.get_title(), None)]


class ReportFormView(_SubjectAction, ServiceFormView):
    form_class = ReportTextForm
    service = services.subject_report
    success_message = "已保存述职报告"

    def prepare(self):
        self.subject = _subject(self.request, self.kwargs["pk"], "change")

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"initial": {"report": self.subject.report}}

    def get_service_kwargs(self, form):
        return {"subject": self.subject, "report": form.cleaned_data["report"],
                "upload": form.cleaned_data.get("file")}

    def get_title(self):
        return f"述职报告：{self.subject.org.name}"


class RateView(_SubjectAction, ServiceFormView):
    """The rating form, on a phone: four choices and an optional comment."""

    form_class = ReportRatingForm
    service = services.rating_submit
    submit_label = "提交评议"
    success_message = "已提交评议"
    template_name = "reviews/rate.html"

    def prepare(self):
        self.subject = _subject(self.request, self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"subject": self.subject, **form.cleaned_data}

    def get_success_url(self, result):
        return reverse("reviews:home")

    def get_title(self):
        return f"评议：{self.subject.org.name}"

    def get_extra_context(self):
        return {"subject": self.subject}


class FeedbackFormView(_SubjectAction, ServiceFormView):
    form_class = ReportFeedbackForm
    service = services.subject_feedback
    success_message = "已反馈评议意见"
    submit_label = "反馈"

    def prepare(self):
        self.subject = _subject(self.request, self.kwargs["pk"], "change")
        if not get_scope(self.request.user).covers(self.subject.round.org.path, CHANGE):
            raise NotFound

    def get_form_kwargs(self):
        return {} if self.request.method == "POST" else {"initial": {"feedback": self.subject.feedback}}

    def get_service_kwargs(self, form):
        return {"subject": self.subject, "feedback": form.cleaned_data["feedback"], "followups": form.followups()}

    def get_title(self):
        return f"反馈意见：{self.subject.org.name}"


@not_generic("a subject's report document, served as an attachment after the scope check")
class SubjectFileView(GenericView):
    def get(self, request, pk):
        subject = get_object_or_404(ReportSubject.objects.visible_to(request.user, "view").exclude(file=""), pk=pk)
        return files.attachment(subject.file, subject.file_name, subject.file_type)


class ResultListView(ObjectListView):
    """评议结果: every subject the user sees, by year, grade and org; exported as CSV."""

    required_perm = VIEW
    model = ReportSubject
    filterset_class = SubjectFilterSet
    table = ResultTable
    title = "评议结果"
    breadcrumbs = [OVERSIGHT, CRUMB, ("评议结果", None)]
    default_order = ("-round__year", "round_id", "org__path")
    export_action = "change"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org", "round")


class FollowUpListView(ObjectListView):
    required_perm = VIEW
    model = FollowUp
    filterset_class = FollowUpFilterSet
    table = FollowUpTable
    title = "整改落实"
    breadcrumbs = [OVERSIGHT, CRUMB, ("整改落实", None)]
    default_order = ("due", "pk")
    tree_order = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org", "subject__round")


class FollowUpDoneView(ServiceFormView):
    form_class = ReportFollowUpDoneForm
    service = services.followup_done
    success_message = "已填报完成情况"
    submit_label = "填报完成"

    def prepare(self):
        self.followup = get_object_or_404(FollowUp.objects.visible_to(self.request.user, "view")
                                          .select_related("org", "subject"), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.followup.org.path, CHANGE):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"followup": self.followup, **form.cleaned_data}

    def get_success_url(self, result):
        return self.followup.get_absolute_url()

    def get_cancel_url(self):
        return self.followup.get_absolute_url()

    def get_intro(self):
        return f"整改要求：{self.followup.text}（完成时限 {self.followup.due:%Y-%m-%d}）"

    def get_title(self):
        return "填报整改完成情况"

    def get_breadcrumbs(self):
        return [OVERSIGHT, CRUMB, ("整改落实", reverse("reviews:followups")), (self.get_title(), None)]
