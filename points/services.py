"""Points workflows. ``award`` is called by the modules where an activity happens (learning's
heartbeats, exams, training), inside their own transaction, so a point is never counted without
its activity nor an activity without its point; ``ranking_set`` is an org admin's switch."""

from datetime import date

from django.db import IntegrityError, transaction

from core import summaries
from orgs import services as org_services
from orgs.models import Org
from points import rules
from points.models import PointDay, PointMemberYear, PointOrgYear


def award(*, member_id: int, org_id: int, day: date, activity: str, units: int) -> int:
    """Add ``units`` of ``activity`` on ``day`` to the member's row (negative units take back what
    an undone record earned) and the day's points under the cap; returns the change in points.
    Call inside the caller's transaction."""
    if not units:
        return 0
    if activity not in rules.BY_CODE:
        raise ValueError(f"unknown activity {activity!r}")
    where = {"member_id": member_id, "day": day, "activity": activity}
    row = PointDay.objects.select_for_update().filter(**where).first()
    if row is None:
        if units < 0:
            return 0
        try:
            with transaction.atomic():
                row = PointDay.objects.create(**where, org_id=org_id)
        except IntegrityError:  # another transaction wrote the member's first unit of the day
            row = PointDay.objects.select_for_update().get(**where)
    before = row.points
    row.count = max(row.count + units, 0)
    row.points = rules.points_for(activity, row.count)
    if row.count:
        row.save(update_fields=["count", "points"])
    else:
        row.delete()
    change = row.points - before if row.count else -before
    summaries.add(PointMemberYear, {"org_id": row.org_id, "member_id": member_id, "year": day.year}, points=change)
    summaries.add(PointOrgYear, {"org_id": row.org_id, "year": day.year}, points=change)
    return change


def ranking_set(*, actor, org: Org, enabled: bool) -> None:
    """Switch the branch ranking on or off for ``org``'s subtree (org.change on the org)."""
    org_services.setting_set(actor=actor, org=org, key="points_ranking", value=bool(enabled))
