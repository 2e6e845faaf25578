"""The exams' summary (core.summaries): an exam's submitted attempts, passes and score sum per org
(``exams.result``), kept by exams.services.attempt_submit in its transaction; computed from the
attempts for `dangjian summaries --check | --rebuild`."""

from django.db.models import Count, Q, Sum

from core import summaries
from exams.models import Attempt, ExamResult

NAME = "exams.result"


def rows(org_ids: list[int] | None = None):
    attempts = Attempt.objects.filter(submitted__isnull=False)
    if org_ids is not None:
        attempts = attempts.filter(org_id__in=org_ids)
    grouped = (attempts.order_by().values("exam_id", "org_id")
               .annotate(submitted=Count("pk"), passed=Count("pk", filter=Q(passed=True)), score_sum=Sum("score")))
    for row in grouped:
        yield {"exam_id": row["exam_id"], "org_id": row["org_id"], "submitted": row["submitted"],
               "passed": row["passed"], "score_sum": row["score_sum"] or 0}


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=ExamResult, key=("org_id", "exam_id"), values=("submitted", "passed", "score_sum"),
        compute=rows, label="考试成绩汇总（按考试和组织）"))
