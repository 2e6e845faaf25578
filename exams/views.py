"""Exams pages: the home (a member's exams and daily practice; a manager's exams), the question
bank (a list) and its form, an exam's form and page (results per org from the summary rows, a
branch's attempts), starting an attempt, the answer sheet (a countdown to the server's deadline,
exams/exam.js) and its marked result, the daily practice."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.access import get_scope
from core.errors import NotFound, refusal_text
from core.views import (
    GenericView,
    MemberOrManagerView,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from exams import selectors, services
from exams.filters import QuestionFilterSet
from exams.forms import ExamForm, QuestionForm
from exams.models import Attempt, Exam, Question
from exams.tables import QuestionTable
from members.selectors import own_member
from orgs.selectors import managed_roots, org_param

CRUMB = ("学习测试", "/exams/")
PERM = "learning.change"




@not_generic("a member's exams and practice beside a manager's exams: no one object, list or form")
class ExamHomeView(MemberOrManagerView):
    title = "学习测试"

    manager_perm = "learning.view"

    def get(self, request):
        today, member = timezone.localdate(), own_member(request.user)
        context = {"title": self.title, "breadcrumbs": [(self.title, None)], "today": today, "member": member,
                   "mine": selectors.exams_for(request.user, member, today)}
        if member is not None:
            context["practice"] = selectors.practice_of(member, today)
        roots = managed_roots(request.user, "learning.view")
        if roots:
            context["managed"] = (Exam.objects.visible_to(request.user, "view").filter(
                org__path__startswith=roots[0].path).select_related("org").order_by("-opens", "-pk")[:50])
            context["can_change"] = get_scope(request.user).has_any_org_perm(PERM)
        return render(request, "exams/home.html", context)


class QuestionListView(ObjectListView):
    required_perm = "learning.view"
    model = Question
    filterset_class = QuestionFilterSet
    table = QuestionTable
    title = "题库"
    breadcrumbs = [CRUMB, ("题库", None)]
    default_order = ("topic", "pk")
    template_name = "exams/questions.html"

    def get_base_queryset(self):
        return selectors.questions_of(self.request.user)

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(PERM)}


class OrgFormMixin:
    """A form for an org the user manages learning of: ``?org=`` (id or code), else their first."""

    def prepare(self):
        org = org_param(self.request.user, self.request.GET.get("org"), PERM)
        roots = managed_roots(self.request.user, PERM)
        self.org = org or (roots[0] if roots else None)
        if self.org is None:
            raise Http404

    def get_service_kwargs(self, form):
        return {"org": self.org, **(form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data)}


class QuestionCreateView(OrgFormMixin, ServiceFormView):
    form_class = QuestionForm
    service = services.question_create
    submit_label = "录入试题"
    success_message = "已录入试题：{result}"

    def get_title(self):
        return f"录入试题（{self.org.name}题库）"

    def get_breadcrumbs(self):
        return [CRUMB, ("题库", reverse("exams:questions")), ("录入试题", None)]

    def get_success_url(self, result):
        return reverse("exams:question_create") + f"?org={self.org.pk}"

    def get_cancel_url(self):
        return reverse("exams:questions")


class ExamCreateView(OrgFormMixin, ServiceFormView):
    form_class = ExamForm
    service = services.exam_create
    submit_label = "发布考试"
    success_message = "已发布考试：{result}"

    def get_form_kwargs(self):
        today = timezone.localdate()
        return {} if self.request.method == "POST" else {"initial": {"opens": today, "closes": today + timedelta(days=30)}}

    def get_title(self):
        return f"组织考试（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("组织考试", None)]

    def get_cancel_url(self):
        return reverse("exams:home")


class ExamDetailView(ObjectDetailView):
    """An exam: for a manager, the results of the chosen org (``?org=``, default the exam's org or
    the user's own within it) and of each child from the summary rows, and the attempts of the
    org's own members; for a member, their attempts and the button to start."""

    model = Exam
    template_name = "exams/exam.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, (self.object.title, None)]

    def get_extra_context(self):
        exam, user = self.object, self.request.user
        scope = get_scope(user)
        context: dict = {"today": timezone.localdate()}
        member = own_member(user)
        if member is not None and member.org.path.startswith(exam.org.path):
            context["my_attempts"] = list(Attempt.objects.filter(exam=exam, member=member).order_by("number"))
        root = org_param(user, self.request.GET.get("org"), "learning.view")
        if root is None:
            roots = [o for o in managed_roots(user, "learning.view") if o.path.startswith(exam.org.path) or exam.org.path.startswith(o.path)]
            root = (exam.org if roots and exam.org.path.startswith(roots[0].path) else roots[0]) if roots else None
        if root is not None and scope.covers(root.path, "learning.view"):
            total, children = selectors.results(exam, root)
            context.update(root=root, total=total, children=children,
                           attempts=list(selectors.attempts_at(exam, root)[:200]))
        return context


class AttemptStartView(ServiceActionView):
    service = services.attempt_start
    success_message = ""

    def prepare(self):
        self.exam = get_object_or_404(Exam.objects.visible_to(self.request.user).select_related("org"), pk=self.kwargs["pk"])

    def get_service_kwargs(self, form):
        return {"exam": self.exam}

    def get_back_url(self):
        return self.exam.get_absolute_url()

    def get_success_url(self, result):
        return result.get_absolute_url()


@not_generic("an answer sheet: one field per drawn question, marked by the service, then the marked result")
class AttemptView(GenericView):
    """The member's own attempt: while it runs, the questions (no answers) and a countdown to the
    deadline the server set; POST submits. Once submitted: the score and each question marked,
    with the right answer and the explanation."""

    def prepare(self):
        member = own_member(self.request.user)
        if member is None:
            raise NotFound
        self.attempt = get_object_or_404(Attempt.objects.select_related("exam", "member"), pk=self.kwargs["pk"],
                                         member=member)

    def get(self, request, *args, **kwargs):
        return self.render()

    def post(self, request, *args, **kwargs):
        answers = {}
        for item in self.attempt.items.all():
            values = request.POST.getlist(f"q{item.position}")
            answers[item.position] = "".join(v for v in values if isinstance(v, str))[:8]
        try:
            services.attempt_submit(actor=request.user, attempt=self.attempt, answers=answers)
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
            return redirect(self.attempt.get_absolute_url())
        messages.success(request, "已交卷")
        return redirect(self.attempt.get_absolute_url())

    def render(self):
        attempt = self.attempt
        attempt.refresh_from_db()
        items = list(attempt.items.select_related("question").order_by("position"))
        now = timezone.now()
        running = attempt.submitted is None and now <= attempt.deadline
        return render(self.request, "exams/attempt.html", {
            "title": attempt.exam.title, "breadcrumbs": [CRUMB, (attempt.exam.title, attempt.exam.get_absolute_url()),
                                                        (f"第{attempt.number}次作答", None)],
            "attempt": attempt, "items": items, "running": running,
            "seconds_left": max(0, int((attempt.deadline - now).total_seconds())),
            "expired": attempt.submitted is None and not running,
        })


@not_generic("the day's practice questions of the member, drawn for the member and the day; once a day")
class PracticeView(GenericView):
    def prepare(self):
        self.member = own_member(self.request.user)
        if self.member is None:
            raise NotFound

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        questions = selectors.practice_questions(self.member, today)
        done = selectors.practice_of(self.member, today)
        return render(request, "exams/practice.html", {
            "title": "每日一练", "breadcrumbs": [CRUMB, ("每日一练", None)], "questions": list(enumerate(questions, 1)),
            "done": done, "given": request.session.get(f"practice-{today}", {})})

    def post(self, request, *args, **kwargs):
        today = timezone.localdate()
        questions = selectors.practice_questions(self.member, today)
        answers = {i: "".join(request.POST.getlist(f"q{i}"))[:8] for i in range(1, len(questions) + 1)}
        try:
            services.practice_submit(actor=request.user, answers=answers, day=today)
        except ValidationError as exc:
            messages.error(request, refusal_text(exc))
            return redirect("exams:practice")
        request.session[f"practice-{today}"] = {str(k): v for k, v in answers.items()}
        return redirect("exams:practice")
