"""述职评议 reads: a reviewer's subjects to rate, a round's progress (ratings due and given per
subject and per group), a subject's ratings summed per group, the problems inspections found in
the reviewed org's subtree in the round's year (oversight's rectification items: read, not
copied; unannounced ones first), and the follow-ups overdue."""

from collections import defaultdict

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.utils import timezone

from core.access import subtree_q
from oversight.models import InspectionNotice, RectificationItem
from reviews.models import FollowUp, Rating, ReportSubject, Reviewer, RoundState


def to_rate(user):
    """Subjects of open rounds the user reviews, each with ``rated`` (their rating given) and
    ``own`` (they are its secretary: they do not rate it); the unrated first."""
    mine = Rating.objects.filter(subject=OuterRef("pk"), reviewer__user=user)
    return (ReportSubject.objects.visible_to(user, "view")
            .filter(round__state=RoundState.OPEN,
                    round_id__in=Reviewer.objects.filter(user=user).values("round_id"))
            .annotate(rated=Exists(mine),
                      own=Case(When(secretary__user=user, then=Value(1)), default=Value(0),
                               output_field=IntegerField()))
            .select_related("round__org", "org").order_by("rated", "round_id", "org__path"))


def progress(round) -> dict:
    """The ratings due (every reviewer, every subject but their own) and given."""
    from reviews.services import expected_ratings

    due, total = expected_ratings(round)
    return {"due": due, "total": total}


def ratings_by_group(subject) -> list[dict]:
    """The subject's ratings per group: the count of each grade and the group's average points."""
    from reviews.rules import POINTS

    counts: dict[int, dict] = {}
    for group_id, name, weight, grade in (Rating.objects.filter(subject=subject)
                                          .values_list("reviewer__group_id", "reviewer__group__name",
                                                       "reviewer__group__weight", "grade")):
        row = counts.setdefault(group_id, {"name": name, "weight": weight, "grades": defaultdict(int), "n": 0,
                                           "points": 0})
        row["grades"][grade] += 1
        row["n"] += 1
        row["points"] += POINTS[grade]
    for row in counts.values():
        row["average"] = round(row["points"] / row["n"], 2)
        row["grades"] = dict(row["grades"])
    return list(counts.values())


def problems_for(user, subject, limit: int = 100):
    """Rectification items found in the reviewed org's subtree in the round's year that the user
    sees, unannounced inspections' (暗访) first."""
    year = subject.round.year
    return (RectificationItem.objects.visible_to(user, "view")
            .filter(subtree_q("org__path", subject.org.path), found_on__year=year)
            .annotate(hidden=Case(When(inspection__notice=InspectionNotice.UNANNOUNCED, then=Value(0)),
                                  default=Value(1), output_field=IntegerField()))
            .select_related("org", "inspection").order_by("hidden", "found_on", "pk")[:limit])


def overdue_followups(user):
    return (FollowUp.objects.visible_to(user, "view", tree_order=False)
            .filter(done_on__isnull=True, due__lt=timezone.localdate())
            .select_related("org", "subject__round").order_by("due", "pk"))
