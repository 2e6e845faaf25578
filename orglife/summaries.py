"""orglife's summary table (core.summaries): meetings held per org, kind and month
(``MeetingMonth``), which the compliance figures read instead of the meetings.

A meeting counts where its record is in a counted state (``COUNTED_STATES``: submitted, returned
or approved), for its org, kind and the month of ``held_on``; lectures by the secretary are counted
once more in ``by_secretary``; a combined meeting (``also_kind``: a 组织生活会 held as a branch
assembly, a 民主评议 held with the 组织生活会) counts once more under that kind too. Every service that changes one of those fields calls ``moved``
with the meeting's place before and after, inside its transaction."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from core import summaries
from orglife.models import COUNTED_STATES, Meeting, MeetingMonth

NAME = "orglife.meeting_month"


def place(meeting: Meeting) -> tuple | None:
    """Where the meeting counts — (org id, kind, month, by the secretary, the kind it also counts
    as or "") — or None (a draft)."""
    if meeting.state not in COUNTED_STATES:
        return None
    return (meeting.org_id, meeting.kind, meeting.held_on.replace(day=1), bool(meeting.by_secretary),
            meeting.also_kind or "")


def moved(before: tuple | None, after: tuple | None) -> None:
    """A meeting's count leaves ``before`` and joins ``after`` (either may be None)."""
    if before == after:
        return
    for where, sign in ((before, -1), (after, 1)):
        if where is not None:
            org_id, kind, month, by_secretary, also_kind = where
            summaries.add(MeetingMonth, {"org_id": org_id, "kind": kind, "month": month},
                          held=sign, by_secretary=sign if by_secretary else 0)
            if also_kind:
                summaries.add(MeetingMonth, {"org_id": org_id, "kind": also_kind, "month": month},
                              held=sign, by_secretary=0)


def rows(org_ids: list[int] | None = None) -> list[dict]:
    """The table's rows recomputed from the meetings (all orgs, or the listed ones): each meeting
    under its kind, and a combined one under the kind it also counts as."""
    meetings = Meeting.objects.filter(state__in=COUNTED_STATES)
    if org_ids is not None:
        meetings = meetings.filter(org_id__in=org_ids)
    found: dict[tuple, dict] = {}
    own = (meetings.order_by().annotate(month=TruncMonth("held_on")).values("org_id", "kind", "month")
           .annotate(held=Count("id"), by_secretary=Count("id", filter=Q(by_secretary=True))))
    also = (meetings.exclude(also_kind="").order_by().annotate(month=TruncMonth("held_on"))
            .values("org_id", "also_kind", "month").annotate(held=Count("id")))
    for row in own:
        found[(row["org_id"], row["kind"], row["month"])] = dict(row)
    for row in also:
        key = (row["org_id"], row["also_kind"], row["month"])
        entry = found.setdefault(key, {"org_id": key[0], "kind": key[1], "month": key[2], "held": 0,
                                       "by_secretary": 0})
        entry["held"] += row["held"]
    return list(found.values())


def register() -> None:
    """Called from the app config."""
    summaries.register(summaries.Summary(
        name=NAME, model=MeetingMonth, key=("org_id", "kind", "month"), values=("held", "by_secretary"),
        compute=rows, label="会议月度汇总（三会一课）"))
