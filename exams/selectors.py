"""Exams reads: the bank an org's exams draw from, the exams a member may take, the day's practice
questions, and an exam's results per org (from the ExamResult summary rows, never the attempts)."""

import random
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet, Sum

from core.access import subtree_q
from exams import rules
from exams.models import Attempt, Exam, ExamResult, PracticeDay, Question
from members.models import Member
from orgs.models import Org


def bank_for(org: Org, topic: str = "") -> QuerySet[Question]:
    """The active questions ``org``'s exams and members draw from: its own and its ancestors'."""
    questions = Question.objects.filter(active=True, org__path__in=org.ancestor_paths())
    return questions.filter(topic=topic) if topic else questions


def questions_of(user) -> QuerySet[Question]:
    """The bank a manager sees: the questions published in their subtrees."""
    return Question.objects.visible_to(user, "view").select_related("org")


def exams_for(user, member: Member | None, today: date) -> dict[str, list]:
    """For a member: the exams open to them now and those to come; with their attempts."""
    if member is None:
        return {"open": [], "later": []}
    exams = (Exam.objects.filter(Q(org__path__in=member.org.ancestor_paths()), closes__gte=today)
             .select_related("org").order_by("closes", "pk"))
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(member=member, exam__in=exams).order_by("number"):
        attempts.setdefault(attempt.exam_id, []).append(attempt)
    found: dict[str, list] = {"open": [], "later": []}
    for exam in exams:
        exam.my_attempts = attempts.get(exam.pk, [])  # type: ignore[attr-defined]
        found["open" if exam.opens <= today else "later"].append(exam)
    return found


def practice_questions(member: Member, day: date) -> list[Question]:
    """每日一练: the day's questions for the member, drawn from their bank by a seed of the member
    and the day (the same all day, on any device; another member's differ)."""
    pool = list(bank_for(member.org).order_by("pk").values_list("pk", flat=True))
    if not pool:
        return []
    chosen = random.Random(f"{member.pk}:{day.isoformat()}").sample(pool, min(rules.PRACTICE_QUESTIONS, len(pool)))
    by_pk = Question.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def practice_of(member: Member, day: date) -> PracticeDay | None:
    return PracticeDay.objects.filter(member=member, day=day).first()


@dataclass
class Result:
    org: Org
    submitted: int
    passed: int
    score_sum: int

    @property
    def average(self) -> float | None:
        return round(self.score_sum / self.submitted, 1) if self.submitted else None

    @property
    def pass_rate(self) -> int | None:
        return round(100 * self.passed / self.submitted) if self.submitted else None


def results(exam: Exam, root: Org) -> tuple[Result, list[Result]]:
    """An exam's results for ``root``'s subtree and for each child of ``root`` (the summary rows
    grouped by the child's path prefix)."""
    children = list(Org.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path"))
    by_prefix = {child.path: child for child in children}
    step = len(root.path) + Org.steplen
    per_child: dict[int, list[int]] = {child.pk: [0, 0, 0] for child in children}
    total = [0, 0, 0]
    rows = (ExamResult.objects.filter(subtree_q("org__path", root.path), exam=exam)
            .values_list("org__path", "submitted", "passed", "score_sum"))
    for path, submitted, passed, score_sum in rows:
        for figures in [total] + ([per_child[by_prefix[path[:step]].pk]] if path[:step] in by_prefix else []):
            figures[0] += submitted
            figures[1] += passed
            figures[2] += score_sum
    return Result(root, *total), [Result(child, *per_child[child.pk]) for child in children]


def attempts_at(exam: Exam, org: Org) -> QuerySet[Attempt]:
    """The attempts of the members of ``org`` itself (a branch's list), best first."""
    return (Attempt.objects.filter(exam=exam, org=org).select_related("member")
            .order_by("-score", "member__name_pinyin", "number"))


def subtree_figures(exam: Exam, root: Org) -> dict:
    return ExamResult.objects.filter(subtree_q("org__path", root.path), exam=exam).aggregate(
        submitted=Sum("submitted"), passed=Sum("passed"))
