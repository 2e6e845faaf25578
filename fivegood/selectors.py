"""五好党支部 reads: the standard a branch is held to, a set's dimensions and items, the figures of a
subtree and of each child org (the summary rows), a user's assessments to fill in and to assess."""

from django.db.models import Q, Sum

from core.access import get_scope
from fivegood.models import (
    Assessment,
    AssessmentState,
    Dimension,
    FiveGoodYear,
    SetState,
    StandardItem,
    StandardSet,
)
from fivegood.summaries import VALUES
from orgs.models import Org
from orgs.selectors import rollup

CHANGE, INSPECT = "oversight.change", "oversight.inspect"


def standard_for(org: Org, year: int) -> StandardSet | None:
    """The issued set ``org`` is held to for ``year`` (rules "fivegood.applicable"): among the sets
    issued above it (or by itself) for its kind and for its sector or all sectors, the one of the
    lowest issuing org; then its own sector's over all sectors'; then the latest version."""
    candidates = list(StandardSet.objects.filter(
        org__path__in=org.ancestor_paths(), year=year, state=SetState.ISSUED, org_kind=org.kind,
        sector__in=[org.sector or "", ""]).select_related("org"))
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.org.depth, s.sector != "", s.version))


def dimensions_of(standard_set: StandardSet) -> list[tuple[Dimension, list[StandardItem]]]:
    """The set's dimensions in order, each with its items (two queries)."""
    dimensions = list(standard_set.dimensions.all())
    items: dict[int, list[StandardItem]] = {d.pk: [] for d in dimensions}
    for item in StandardItem.objects.filter(dimension__standard_set=standard_set).order_by("dimension__number",
                                                                                          "number"):
        items[item.dimension_id].append(item)
    return [(d, items[d.pk]) for d in dimensions]


def children_counts(orgs: list[Org], year: int) -> dict[int, dict]:
    """Each listed org's subtree figures for ``year`` from the summary rows (one grouped query)."""
    rows = FiveGoodYear.objects.filter(year=year)
    found = rollup(orgs, rows, "org__path", {name: Sum(name) for name in VALUES}, group_by_prefix=True)
    return {pk: {name: figures[name] or 0 for name in VALUES} for pk, figures in found.items()}


def assessing_org(user, org: Org) -> Org | None:
    """The org on whose behalf the user assesses ``org``: the nearest org strictly above it where
    the user holds oversight.inspect by a grant (the district admin assesses as the district), or
    None."""
    paths = [p for p in get_scope(user).paths_for(INSPECT) if org.path.startswith(p) and len(p) < len(org.path)]
    return Org.objects.get(path=max(paths, key=len)) if paths else None


def above_q(user, lookup: str, perm: str) -> Q:
    """Rows whose org (``lookup``: its path) lies strictly below an org granting the user ``perm``:
    the upper level's decisions (a branch's own grant does not count)."""
    condition = Q(pk__in=[])
    for path in get_scope(user).paths_for(perm):
        condition |= Q(**{f"{lookup}__startswith": path}) & ~Q(**{lookup: path})
    return condition


def to_fill(user):
    """Self-assessments the user's branches are filling in (oversight.change on the branch)."""
    scope = get_scope(user)
    return (Assessment.objects.visible_to(user, "view").filter(scope.org_q("org__path", CHANGE),
                                                                state=AssessmentState.SELF)
            .select_related("org").order_by("-year", "pk"))


def to_assess(user):
    """Submitted assessments of branches below an org where the user assesses (oversight.inspect)."""
    return (Assessment.objects.visible_to(user, "view")
            .filter(above_q(user, "org__path", INSPECT), state=AssessmentState.SUBMITTED)
            .select_related("org").order_by("submitted_at", "pk"))
