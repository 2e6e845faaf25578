"""/api/v1/exams: the exams a member may take, starting an attempt (the drawn questions, without
their answers), submitting it (marked at once), an exam's results per org for those who manage
learning, the question bank's entry, and the daily practice. Out of scope is 404, as on the pages;
refusals answer 422 with the Chinese reason."""

from datetime import date, datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from core.access import get_scope
from core.api import REFUSED, Message, PathId
from core.errors import NotFound
from exams import rules, selectors, services
from exams.models import Attempt, Exam, QuestionKind
from members.models import Member
from orgs.selectors import org_param

router = Router(tags=["学习测试"])

Given = Annotated[str, StringConstraints(max_length=8)]  # an answer's letters
OptionText = Annotated[str, StringConstraints(max_length=200)]



class ExamOut(Schema):
    id: int
    title: str
    org_name: str
    topic: str
    questions: int
    minutes: int = Field(..., description="限时（分钟）")
    pass_score: int
    attempts: int = Field(..., description="允许作答次数")
    opens: date
    closes: date

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name


class DrawnQuestionOut(Schema):
    position: int
    kind: str
    text: str
    choices: list[list[str]] = Field(..., description="[字母, 选项] 列表；判断题为 T 正确 / F 错误")


class AttemptOut(Schema):
    id: int
    exam_id: int
    number: int
    started: datetime
    deadline: datetime = Field(..., description="截止时间：之后交卷不再接受")
    submitted: datetime | None
    score: int | None
    passed: bool | None
    questions: list[DrawnQuestionOut] = Field(..., description="抽到的试题（不含答案）")

    @staticmethod
    def resolve_questions(obj):
        return [{"position": item.position, "kind": item.question.kind, "text": item.question.text,
                 "choices": [list(choice) for choice in item.question.choices()]}
                for item in obj.items.select_related("question").order_by("position")]


class SheetIn(Schema):
    answers: dict[int, Given] = Field(..., max_length=rules.MAX_QUESTIONS,
                                    description="按题号的答案：{\"1\": \"A\", \"2\": \"AC\", \"3\": \"T\"}；未答的题可不填")


class ResultOut(Schema):
    org_id: int
    org_name: str
    submitted: int
    passed: int
    average: float | None


class QuestionIn(Schema):
    org_id: int = Field(..., ge=1, le=2**62)
    topic: str = Field(..., min_length=1, max_length=50)
    kind: QuestionKind
    text: str = Field(..., min_length=1, max_length=1000)
    options: list[OptionText] = Field([], max_length=rules.MAX_OPTIONS, description="选项文字，按 A、B、C… 排列；判断题为空")
    answer: str = Field(..., min_length=1, max_length=8)
    explanation: str = Field("", max_length=300)


class QuestionCreatedOut(Schema):
    id: int
    topic: str
    kind: str
    answer: str


class PracticeQuestionOut(Schema):
    position: int
    kind: str
    text: str
    choices: list[list[str]]


class PracticeOut(Schema):
    day: date
    done: bool
    answered: int | None = None
    correct: int | None = None
    questions: list[PracticeQuestionOut]


def _member(request) -> Member:
    member_id = get_scope(request.user).member_id
    if not member_id:
        raise NotFound
    return Member.objects.select_related("org").get(pk=member_id)


@router.get("/", response={200: list[ExamOut], 404: Message})
def exams_list(request):
    """我可以参加的考试（本组织和上级组织发布、尚未截止）。"""
    member = _member(request)
    found = selectors.exams_for(request.user, member, timezone.localdate())
    return found["open"] + found["later"]


@router.post("/{int:exam_id}/attempts", response={201: AttemptOut, **REFUSED})
def exams_attempt_start(request, exam_id: PathId):
    """开始答题：随机抽题并确定截止时间；已有未交卷且未超时的作答则返回它（重新打开不会延长时间）。"""
    exam = get_object_or_404(Exam.objects.visible_to(request.user).select_related("org"), pk=exam_id)
    return Status(201, services.attempt_start(actor=request.user, exam=exam))


@router.post("/attempts/{int:attempt_id}/submit", response={200: AttemptOut, **REFUSED})
def exams_attempt_submit(request, attempt_id: PathId, payload: SheetIn):
    """交卷：立即评分（多选题须全部选对）；超过截止时间的答卷不接受。"""
    attempt = get_object_or_404(Attempt.objects.filter(member_id=get_scope(request.user).member_id or 0), pk=attempt_id)
    return Status(200, services.attempt_submit(actor=request.user, attempt=attempt, answers=payload.answers))


@router.get("/{int:exam_id}/results", response={200: list[ResultOut], 404: Message})
def exams_results(request, exam_id: PathId, org: str | None = Query(None, max_length=20, description="党组织ID或代码；默认考试的组织单位")):
    """考试成绩：所选组织（第一行）及其各下级组织的交卷人次、及格人次、平均分（来自汇总表）。"""
    exam = get_object_or_404(Exam.objects.visible_to(request.user).select_related("org"), pk=exam_id)
    root = org_param(request.user, org, "learning.view") or exam.org
    if not get_scope(request.user).covers(root.path, "learning.view"):
        raise NotFound
    total, children = selectors.results(exam, root)
    return [{"org_id": r.org.pk, "org_name": r.org.name, "submitted": r.submitted, "passed": r.passed,
             "average": r.average} for r in [total, *children]]


@router.post("/questions", response={201: QuestionCreatedOut, **REFUSED})
def exams_question_create(request, payload: QuestionIn):
    """录入试题到本组织题库（本组织及下级的考试和每日一练从中抽题）。"""
    org = org_param(request.user, str(payload.org_id), "learning.change")
    data = payload.dict()
    data.pop("org_id")
    return Status(201, services.question_create(actor=request.user, org=org, **data))


@router.get("/practice", response={200: PracticeOut, 404: Message})
def exams_practice(request):
    """每日一练：今天的题目（每人每天固定）和是否已练习。"""
    member, today = _member(request), timezone.localdate()
    done = selectors.practice_of(member, today)
    questions = [{"position": i, "kind": q.kind, "text": q.text, "choices": [list(c) for c in q.choices()]}
                 for i, q in enumerate(selectors.practice_questions(member, today), 1)]
    return {"day": today, "done": done is not None, "answered": getattr(done, "answered", None),
            "correct": getattr(done, "correct", None), "questions": questions}


@router.post("/practice", response={201: PracticeOut, **REFUSED})
def exams_practice_submit(request, payload: SheetIn):
    """提交今天的每日一练（每天一次）。"""
    practice = services.practice_submit(actor=request.user, answers=payload.answers)
    member = _member(request)
    questions = [{"position": i, "kind": q.kind, "text": q.text, "choices": [list(c) for c in q.choices()]}
                 for i, q in enumerate(selectors.practice_questions(member, practice.day), 1)]
    return Status(201, {"day": practice.day, "done": True, "answered": practice.answered,
                        "correct": practice.correct, "questions": questions})
