"""Demo points (points.models.PointDay), in the composition root because it reads learning, exams
and training, which call points: derived from the demo's own records of study, practice, exams,
group study and training (which the other modules' demos insert in bulk, past their services), by the same rules
``points.services.award`` applies — one row per member, day and activity under the day's cap.
``summaries.rebuild()`` (the demo command) then fills the two summaries. Run after those demos."""

from django.db.models import Count, Min, Sum
from django.utils import timezone

from core.bulk import insert_many
from exams.models import Attempt, PracticeDay
from learning.models import StudyDay
from points import rules
from points.models import PointDay
from training.models import GroupStudyAttendance, TrainingAttendance


def _units() -> dict[tuple, list]:
    """(member, day, activity) → [org, units], from the records."""
    found: dict[tuple, list] = {}

    def add(member_id, org_id, day, activity, units):
        if units > 0:
            found.setdefault((member_id, day, activity), [org_id, 0])[1] += units
    rows = StudyDay.objects.order_by().values("member_id", "day").annotate(s=Sum("seconds"), o=Min("org_id"))
    for row in rows.iterator(chunk_size=20_000):
        add(row["member_id"], row["o"], row["day"], "study", row["s"] // rules.STUDY_UNIT_SECONDS)
    finished = (StudyDay.objects.filter(completed=True).order_by().values("member_id", "item_id")
                .annotate(d=Min("day"), o=Min("org_id")))
    for row in finished.iterator(chunk_size=20_000):
        add(row["member_id"], row["o"], row["d"], "complete", 1)
    for member_id, org_id, day, correct in PracticeDay.objects.values_list("member_id", "org_id", "day", "correct"):
        add(member_id, org_id, day, "practice", correct)
    passed = (Attempt.objects.filter(passed=True).order_by().values("member_id", "exam_id")
              .annotate(at=Min("submitted"), o=Min("org_id")))
    for row in passed:
        add(row["member_id"], row["o"], timezone.localdate(row["at"]), "exam", 1)
    for model, activity in ((GroupStudyAttendance, "group_study"), (TrainingAttendance, "training")):
        grouped = (model.objects.order_by().values("member_id", "day")
                   .annotate(n=Count("id"), o=Min("org_id")))
        for row in grouped.iterator(chunk_size=20_000):
            add(row["member_id"], row["o"], row["day"], activity, row["n"])
    return found


def load() -> int:
    """Returns the number of day rows written."""
    rows = [{"member_id": member_id, "org_id": org_id, "day": day, "activity": activity, "count": units,
             "points": rules.points_for(activity, units)}
            for (member_id, day, activity), (org_id, units) in _units().items()]
    return insert_many(PointDay, rows)

