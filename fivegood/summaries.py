"""fivegood's summary table (core.summaries, ``fivegood.org_year``): per branch and year —
assessments assessed and their grades, exemplars selected and published — kept by
``fivegood.services``."""

from collections import defaultdict

from django.db.models import Count, Q

from core import summaries
from fivegood.models import (
    Assessment,
    AssessmentState,
    Exemplar,
    ExemplarState,
    FiveGoodYear,
    Grade,
)

NAME = "fivegood.org_year"
VALUES = ("assessed", "five_good", "qualified", "basic", "failed", "exemplars", "published")
GRADE_FIELDS: dict[str, str] = {Grade.FIVE_GOOD: "five_good", Grade.QUALIFIED: "qualified", Grade.BASIC: "basic",
                                Grade.FAILED: "failed"}


def rows(org_ids: list[int] | None = None):
    found: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    assessed = Assessment.objects.filter(state=AssessmentState.ASSESSED)
    exemplars = Exemplar.objects.all()
    if org_ids is not None:
        assessed, exemplars = assessed.filter(org_id__in=org_ids), exemplars.filter(org_id__in=org_ids)
    grades = {field: Count("pk", filter=Q(grade=grade)) for grade, field in GRADE_FIELDS.items()}
    for row in assessed.order_by().values("org_id", "year").annotate(assessed=Count("pk"), **grades):
        found[(row["org_id"], row["year"])].update({name: row[name] for name in ("assessed", *GRADE_FIELDS.values())})
    for row in exemplars.order_by().values("org_id", "year").annotate(
            exemplars=Count("pk"), published=Count("pk", filter=Q(state=ExemplarState.PUBLISHED))):
        found[(row["org_id"], row["year"])].update(exemplars=row["exemplars"], published=row["published"])
    for (org_id, year), values in found.items():
        yield {"org_id": org_id, "year": year, **values}


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=FiveGoodYear, key=("org_id", "year"), values=VALUES, compute=rows,
        label="五好党支部汇总（按组织和年度）"))
