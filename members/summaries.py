"""members' summary tables (core.summaries): members per org and status (``MemberCount``), which
the org tree, the org pages' figures and the member list's total read instead of the archive; and
the members in good standing (full and probationary) of each org's whole subtree per profile value
(``MemberProfile``: sex, education, occupation, birth year, year joined), which the insights
dashboards and the annual report read: a member counts in their org's rows and in each
ancestor's, so a dashboard of the city reads the city's few hundred rows, not millions (a tree
summary, ``core.summaries.Summary.tree``: an org moved with its subtree moves its rows'
figures from the old ancestors to the new, ``core.summaries.subtree_moved``).

A member counts once, for their org and status. Every service that creates a member or changes
a member's org or status takes ``place(member)`` before the write and calls ``moved(before,
after)`` after it, inside its transaction; a bulk write (the roster import) calls ``add_many``
with the places it created and the pairs it moved."""

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count

from core import summaries
from core.access import subtrees_q
from members.models import Member, MemberCount, MemberProfile, MemberStatus
from orgs.models import Org

NAME = "members.member_count"
PROFILE_NAME = "members.member_profile"
# Who the profile counts: the members in good standing, those the dashboards' 党员 are.
PROFILED = (MemberStatus.FULL, MemberStatus.PROBATIONARY)
# The profile's dimensions, each a field's value (the years as text: one column holds them all).
DIMENSIONS = ("gender", "education", "occupation", "birth_year", "joined_year")


def place(member: Member) -> tuple | None:
    """Where the member counts: (org id, status, then the profile values of ``DIMENSIONS``); None
    for a member not yet saved."""
    if member.pk is None:
        return None
    return place_values(member.org_id, member.status, member.gender, member.education, member.occupation,
                        member.birth_date, member.joined)


def place_values(org_id, status, gender, education, occupation, birth_date, joined) -> tuple:
    """The same place from a row's values (the roster import's inserted rows)."""
    return (org_id, status, gender or "", education or "", (occupation or "").strip(),
            str(birth_date.year), str(joined.year))


def moved(before: tuple | None, after: tuple | None, *, member_id: int | None = None) -> None:
    """A member's count leaves ``before`` and joins ``after`` (either may be None); with the
    member's id, a change of org or status is announced to the apps above
    (``members.signals.member_moved``)."""
    moved_many([(before, after)])
    if member_id is not None:
        announce([(member_id, before, after)])


def announce(moves: Iterable[tuple[int, tuple | None, tuple | None]]) -> None:
    """Send ``member_moved`` for the members whose org or status changed (none: nothing sent)."""
    from members.signals import member_moved

    changed = [(member_id, before[:2], after[:2]) for member_id, before, after in moves
               if before is not None and after is not None and before[:2] != after[:2]]
    if changed:
        member_moved.send(sender=Member, moves=changed)


def moved_many(changes: Iterable[tuple[tuple | None, tuple | None]]) -> None:
    """Many members' moves at once: one UPDATE per (org, status) touched, not one per member; the
    profile's rows of each org touched and of its ancestors."""
    deltas: Counter = Counter()
    profile: Counter = Counter()
    for before, after in changes:
        if before == after:
            continue
        if before is not None:
            deltas[before[:2]] -= 1
            for key in _profile_keys(before):
                profile[key] -= 1
        if after is not None:
            deltas[after[:2]] += 1
            for key in _profile_keys(after):
                profile[key] += 1
    for (org_id, status), delta in sorted(deltas.items()):
        summaries.add(MemberCount, {"org_id": org_id, "status": status}, total=delta)
    up: Counter = Counter()
    lines = ancestor_ids({org_id for org_id, _dimension, _value in profile})
    for (org_id, dimension, value), delta in profile.items():
        for ancestor_id in lines[org_id]:
            up[(ancestor_id, dimension, value)] += delta
    # Sorted: two transactions touching the same rows take their locks in the same order.
    for (org_id, dimension, value), delta in sorted(up.items()):
        summaries.add(MemberProfile, {"org_id": org_id, "dimension": dimension, "value": value}, total=delta)


# Above this many orgs, ancestor_ids reads every org's path at once rather than list them in a query
# (SQLite takes at most 32,766 parameters in one statement).
ANCESTORS_LISTED_MAX = 2000


def ancestor_ids(org_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each org's id with its ancestors' ids, the root's first (two reads, whatever the number of
    orgs)."""
    org_ids = set(org_ids)
    if not org_ids:
        return {}
    if len(org_ids) > ANCESTORS_LISTED_MAX:
        ids = dict(Org.objects.order_by().values_list("path", "pk"))
        paths = {pk: path for path, pk in ids.items() if pk in org_ids}
    else:
        paths = dict(Org.objects.filter(pk__in=org_ids).values_list("pk", "path"))
        prefixes = {path[:i] for path in paths.values() for i in range(Org.steplen, len(path) + 1, Org.steplen)}
        ids = dict(Org.objects.filter(path__in=prefixes).values_list("path", "pk"))
    return {org_id: [ids[path[:i]] for i in range(Org.steplen, len(path) + 1, Org.steplen)]
            for org_id, path in paths.items()}


def _profile_keys(where: tuple) -> list[tuple]:
    """The profile rows a place counts in (its own org's; the caller adds the ancestors'): one per
    dimension for a member in good standing."""
    if len(where) < 2 + len(DIMENSIONS) or where[1] not in PROFILED:
        return []
    return [(where[0], dimension, value) for dimension, value in zip(DIMENSIONS, where[2:], strict=True)]


def rows(org_ids: list[int] | None = None):
    """The table's rows recomputed from the archive (all orgs, or the listed ones)."""
    members = Member.objects.all()
    if org_ids is not None:
        members = members.filter(org_id__in=org_ids)
    return members.order_by().values("org_id", "status").annotate(total=Count("id"))


def profile_rows(org_ids: list[int] | None = None) -> list[dict]:
    """The profile table's rows recomputed from the archive: for each org (or each listed org), its
    whole subtree's members in good standing. One grouped read over those members, the years taken
    in Python (the databases name the year function differently), each org's counts then added to
    its ancestors among the orgs asked for."""
    members = Member.objects.filter(status__in=PROFILED)
    if org_ids is not None:
        roots = list(Org.objects.filter(pk__in=org_ids).values_list("path", flat=True))
        members = members.filter(subtrees_q("org__path", roots))
    own: Counter = Counter()
    grouped = (members.order_by().values("org_id", "gender", "education", "occupation", "birth_date", "joined")
               .annotate(n=Count("id")))
    for row in grouped:
        where = place_values(row["org_id"], MemberStatus.FULL, row["gender"], row["education"], row["occupation"],
                             row["birth_date"], row["joined"])
        for key in _profile_keys(where):
            own[key] += row["n"]
    wanted = None if org_ids is None else set(org_ids)
    lines = ancestor_ids({org_id for org_id, _dimension, _value in own})
    counts: Counter = Counter()
    for (org_id, dimension, value), n in own.items():
        for ancestor_id in lines[org_id]:
            if wanted is None or ancestor_id in wanted:
                counts[(ancestor_id, dimension, value)] += n
    return [{"org_id": org_id, "dimension": dimension, "value": value, "total": total}
            for (org_id, dimension, value), total in counts.items()]


def register() -> None:
    """Called from the app config."""
    summaries.register(summaries.Summary(
        name=NAME, model=MemberCount, key=("org_id", "status"), values=("total",),
        compute=rows, label="党员人数汇总（按组织和状态）"))
    summaries.register(summaries.Summary(
        name=PROFILE_NAME, model=MemberProfile, key=("org_id", "dimension", "value"), values=("total",),
        compute=profile_rows, tree=True,
        label="党员构成汇总（按组织及其下级和性别、学历、职业、出生年份、入党年份）"))
