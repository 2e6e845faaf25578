"""members' summary table (core.summaries): members per org and status (``MemberCount``), which
the org tree, the org pages' figures and the member list's total read instead of the archive.

A member counts once, for their org and status. Every service that creates a member or changes
a member's org or status takes ``place(member)`` before the write and calls ``moved(before,
after)`` after it, inside its transaction; a bulk write (the roster import) calls ``add_many``
with the places it created and the pairs it moved."""

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count

from core import summaries
from members.models import Member, MemberCount

NAME = "members.member_count"


def place(member: Member) -> tuple | None:
    """Where the member counts: (org id, status); None for a member not yet saved."""
    if member.pk is None:
        return None
    return member.org_id, member.status


def moved(before: tuple | None, after: tuple | None) -> None:
    """A member's count leaves ``before`` and joins ``after`` (either may be None)."""
    moved_many([(before, after)])


def moved_many(changes: Iterable[tuple[tuple | None, tuple | None]]) -> None:
    """Many members' moves at once: one UPDATE per (org, status) touched, not one per member."""
    deltas: Counter = Counter()
    for before, after in changes:
        if before == after:
            continue
        if before is not None:
            deltas[before] -= 1
        if after is not None:
            deltas[after] += 1
    for (org_id, status), delta in sorted(deltas.items()):
        summaries.add(MemberCount, {"org_id": org_id, "status": status}, total=delta)


def rows(org_ids: list[int] | None = None):
    """The table's rows recomputed from the archive (all orgs, or the listed ones)."""
    members = Member.objects.all()
    if org_ids is not None:
        members = members.filter(org_id__in=org_ids)
    return members.order_by().values("org_id", "status").annotate(total=Count("id"))


def register() -> None:
    """Called from the app config."""
    summaries.register(summaries.Summary(
        name=NAME, model=MemberCount, key=("org_id", "status"), values=("total",),
        compute=rows, label="党员人数汇总（按组织和状态）"))
