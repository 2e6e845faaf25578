"""Exams workflows: a question entered into the bank, an exam set, an attempt started (the
questions drawn at random, the deadline fixed), an attempt submitted (marked; refused after the
deadline), a day's practice. One transaction each, an audit entry, the summary row (exams.result)
kept in the submission's transaction."""

import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, summaries
from core.access import get_scope
from core.errors import NotFound
from exams import rules, selectors
from exams.models import Attempt, AttemptQuestion, Exam, ExamResult, PracticeDay, Question
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org
from points import services as points_services

PERM = "learning.change"
_draw = random.SystemRandom()  # an exam's questions: nobody may predict them


def _require(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, PERM):
        raise NotFound


def _member_of(actor) -> Member:
    """The member taking part: the actor's own member record (404 for anyone else)."""
    member_id = get_scope(actor).member_id
    if not member_id:
        raise NotFound
    member = Member.objects.select_related("org").get(pk=member_id)
    if member.status not in ACTIVE_STATUSES:
        raise NotFound
    return member


def question_create(*, actor, org: Org, topic: str, kind: str, text: str, options: list[str], answer: str,
                    explanation: str = "") -> Question:
    """录入试题: a question of ``org``'s bank (its subtree's exams and practice draw from it)."""
    _require(actor, org)
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": "请填写专题"})
    options, answer = rules.check_question(kind, text, options, answer)
    with transaction.atomic():
        question = Question.objects.create(org=org, topic=topic[:50], kind=kind, text=text.strip(), options=options,
                                           answer=answer, explanation=(explanation or "").strip(), created_by=actor)
        audit.record("exams.question_create", obj=question, user=actor, changes={"after": question.audit_snapshot()})
    return question


def exam_create(*, actor, org: Org, title: str, topic: str, questions: int, minutes: int, pass_score: int,
                attempts: int, opens: date, closes: date) -> Exam:
    """组织考试: an exam for ``org``'s subtree. The bank must hold enough questions to draw from."""
    _require(actor, org)
    title, topic = (title or "").strip(), (topic or "").strip()
    if not title:
        raise ValidationError({"title": "请填写考试名称"})
    rules.check_exam(questions=questions, minutes=minutes, pass_score=pass_score, attempts=attempts,
                     opens=opens, closes=closes)
    if closes < timezone.localdate():
        raise ValidationError({"closes": "截止日期已过"})
    available = selectors.bank_for(org, topic).count()
    if available < questions:
        raise ValidationError({"questions": f"题库中{'“' + topic + '”专题' if topic else ''}可用试题只有 {available} 道，"
                                            f"不够抽取 {questions} 道"})
    with transaction.atomic():
        exam = Exam.objects.create(org=org, title=title, topic=topic, questions=questions, minutes=minutes,
                                   pass_score=pass_score, attempts=attempts, opens=opens, closes=closes,
                                   created_by=actor)
        audit.record("exams.exam_create", obj=exam, user=actor, changes={"after": exam.audit_snapshot()})
    return exam


def attempt_start(*, actor, exam: Exam, now: datetime | None = None) -> Attempt:
    """开始答题: the member's running attempt if there is one (the same questions and deadline:
    reopening the page gives no more time), else a new one — questions drawn at random, the
    deadline fixed now. Refused: an exam not open today, no attempts left."""
    member = _member_of(actor)
    if not Exam.objects.visible_to(actor, "view").filter(pk=exam.pk).exists() or not member.org.path.startswith(exam.org.path):
        raise NotFound
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).exists()  # one start at a time per member
        attempts = list(Attempt.objects.filter(exam=exam, member=member).order_by("number"))
        running = [a for a in attempts if a.submitted is None and not rules.too_late(a.deadline, now)]
        if running:
            return running[0]
        if not exam.opens <= today <= exam.closes:
            raise ValidationError(f"本次考试的答题时间为 {exam.opens:%Y-%m-%d} 至 {exam.closes:%Y-%m-%d}")
        if len(attempts) >= exam.attempts:
            raise ValidationError(f"本次考试只允许作答 {exam.attempts} 次，已用完")
        pool = list(selectors.bank_for(exam.org, exam.topic).values_list("pk", flat=True))
        if len(pool) < exam.questions:
            raise ValidationError("题库中的试题已不够本次考试抽取，请联系组织单位")
        attempt = Attempt.objects.create(exam=exam, member=member, org=member.org, number=len(attempts) + 1,
                                         started=now, deadline=now + exam_duration(exam))
        AttemptQuestion.objects.bulk_create([
            AttemptQuestion(attempt=attempt, question_id=pk, position=i + 1)
            for i, pk in enumerate(_draw.sample(pool, exam.questions))])
        audit.record("exams.attempt_start", obj=attempt, user=actor, changes={"number": attempt.number})
    return attempt


def exam_duration(exam: Exam) -> timedelta:
    return timedelta(minutes=exam.minutes)


def attempt_submit(*, actor, attempt: Attempt, answers: Mapping[int, str], now: datetime | None = None) -> Attempt:
    """交卷: ``answers`` by position ('A', 'AC', 'T' …; a question left out is unanswered). Marked
    at once: a question is right only with exactly the right letters. Refused, with nothing
    written: another's attempt (404), one already submitted, one past its deadline, an answer
    that is not one of the question's options."""
    member = _member_of(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("exam").filter(pk=attempt.pk, member=member).first()
        if locked is None:
            raise NotFound
        attempt = locked
        if attempt.submitted is not None:
            raise ValidationError(f"本答卷已于 {timezone.localtime(attempt.submitted):%Y-%m-%d %H:%M} 交卷")
        if rules.too_late(attempt.deadline, now):
            raise ValidationError(f"答题时间已于 {timezone.localtime(attempt.deadline):%H:%M:%S} 结束，答卷不再接受")
        items = list(attempt.items.select_related("question"))
        known = {item.position for item in items}
        unknown = sorted(set(answers) - known)
        if unknown:
            raise ValidationError(f"第 {unknown[0]} 题不在本答卷中")
        correct = 0
        for item in items:
            try:
                item.given = rules.read_answer(item.question.kind, len(item.question.options), answers.get(item.position, ""))
            except ValidationError as error:
                raise ValidationError(f"第 {item.position} 题：{error.messages[0]}") from None
            item.correct = rules.is_correct(item.question.answer, item.given)
            correct += item.correct
        AttemptQuestion.objects.bulk_update(items, ["given", "correct"])
        attempt.submitted, attempt.score = now, rules.score(correct, len(items))
        attempt.passed = attempt.score >= attempt.exam.pass_score
        attempt.save(update_fields=["submitted", "score", "passed", "updated"])
        summaries.add(ExamResult, {"exam_id": attempt.exam_id, "org_id": attempt.org_id},
                      submitted=1, passed=int(attempt.passed), score_sum=attempt.score)
        first_pass = attempt.passed and not Attempt.objects.filter(
            exam_id=attempt.exam_id, member_id=attempt.member_id, passed=True).exclude(pk=attempt.pk).exists()
        if first_pass:  # points (积分) once per exam passed
            points_services.award(member_id=attempt.member_id, org_id=attempt.org_id,
                                  day=timezone.localdate(attempt.submitted), activity="exam", units=1)
        audit.record("exams.attempt_submit", obj=attempt, user=actor,
                     changes={"score": attempt.score, "passed": attempt.passed})
    return attempt


def practice_submit(*, actor, answers: Mapping[int, str], day: date | None = None) -> PracticeDay:
    """每日一练: the day's questions (selectors.practice_questions) answered once; how many were
    answered and right is kept. A second submission the same day is refused."""
    member = _member_of(actor)
    day = day or timezone.localdate()
    questions = selectors.practice_questions(member, day)
    if not questions:
        raise ValidationError("题库中还没有可练习的试题")
    answered = correct = 0
    for position, question in enumerate(questions, start=1):
        try:
            given = rules.read_answer(question.kind, len(question.options), answers.get(position, ""))
        except ValidationError as error:
            raise ValidationError(f"第 {position} 题：{error.messages[0]}") from None
        answered += bool(given)
        correct += rules.is_correct(question.answer, given)
    if not answered:
        raise ValidationError("请至少回答一道题")
    with transaction.atomic():
        if PracticeDay.objects.select_for_update().filter(member=member, day=day).exists():
            raise ValidationError("今天已经练习过了，明天再来")
        practice = PracticeDay.objects.create(member=member, org=member.org, day=day, answered=answered, correct=correct)
        points_services.award(member_id=member.pk, org_id=member.org_id, day=day, activity="practice", units=correct)
    return practice
