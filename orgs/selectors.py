"""Reads for the org pages: tree levels with counts, warnings, search."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Substr

from core.access import get_scope, minimal_paths, outside_q, subtrees_q
from core.errors import NotFound
from core.registry import org_members, rules_by_module
from orgs import rules
from orgs.models import BRANCH_KINDS, Org, OrgKind, OrgSetting

ORG_PARAM_MAX_LENGTH = 32  # an org's code is at most 32 characters; an id, at most 17 digits


def org_param(user, value, perm: str | None = None) -> Org | None:
    """The org a page, a filter or an API operation names in its ``org`` parameter, by id or by
    code: among the orgs on which the user holds ``perm`` (``Org.objects.granting``), or, without
    ``perm``, among the orgs the user sees (``visible_to``: a member's own branch too). No value:
    None, and the caller chooses its default. Unknown and out of scope alike are
    ``core.errors.NotFound`` (404: the user must not learn that an org exists); a value that can be
    neither an id nor a code is a ValidationError that says so."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if len(text) > ORG_PARAM_MAX_LENGTH or not text.isprintable():
        raise ValidationError("党组织参数有误：请填写党组织的ID或组织代码", code="invalid")
    orgs = Org.objects.visible_to(user) if perm is None else Org.objects.granting(user, perm)
    found = orgs.filter(pk=int(text)).first() if text.isdigit() and len(text) < 18 else None
    found = found or orgs.filter(code=text.upper()).first()
    if found is None:
        raise NotFound
    return found


def tree_roots(user):
    """The top orgs a user sees: each granted subtree's root (and a member's own org)."""
    scope = get_scope(user)
    paths = minimal_paths(scope.paths_for("org.view"))
    q = Q(path__in=paths)
    if scope.member_org_id:
        q |= Q(pk=scope.member_org_id)
    return list(Org.objects.filter(q).order_by("path"))


def managed_roots(user, perm: str, limit: int = 20) -> list[Org]:
    """The top orgs of the subtrees on which the user holds ``perm`` (the first ``limit``, by
    path): a module's default org when a page or form names none."""
    return list(Org.objects.filter(path__in=minimal_paths(get_scope(user).paths_for(perm))).order_by("path")[:limit])


def org_or_first_root(user, value, perm: str) -> Org:
    """The org a module's page or API operation is about: the one its ``org`` parameter names
    (``org_param`` with ``perm``), else the first org on which the user holds ``perm``; NotFound
    (404) when it names none the user holds ``perm`` on, or the user holds ``perm`` nowhere."""
    found = org_param(user, value, perm)
    if found is None:
        roots = managed_roots(user, perm, limit=1)
        found = roots[0] if roots else None
    if found is None:
        raise NotFound
    return found


def children(org: Org, user=None, *, groups: bool = True) -> list[Org]:
    """``org``'s children the user sees (every child without a user), party groups left out
    unless ``groups``."""
    orgs = (Org.objects.visible_to(user) if user is not None else Org.objects.all()).subtree(org)
    orgs = orgs.filter(depth=org.depth + 1)
    return list((orgs if groups else orgs.exclude(kind=OrgKind.GROUP)).order_by("path"))


# --- the tree roll-up ------------------------------------------------------------------------------


def rollup(orgs, queryset, path_lookup: str, aggregates: dict, *, group_by_prefix: bool = False) -> dict[int, dict]:
    """Figures of each org's subtree: ``aggregates`` (name → Count/Sum expression) over the rows of
    ``queryset`` whose org path (``path_lookup``: ``"org__path"``, ``"meeting__org__path"``, or
    ``"path"`` for orgs) lies in the org's subtree, as ``{org pk: {name: figure}}``, zero where
    no row counts. A roll-up page passes a root and its children: per child org of the root,
    these figures (and the root's total).

    One grouped query whatever the number, depths and size of the subtrees; each group is added
    to every listed org whose path begins the group's (``rollup_rows``), so the aggregates must
    add up across groups (Count, Sum; not Avg or Max). The groups are the rows' own org paths,
    which both databases read in index order: right when many rows share an org (members,
    meetings). With ``group_by_prefix`` they are the paths cut to the deepest listed org's
    length instead, so the database returns a few groups rather than one per org: right when
    there is about one row per org (the orgs themselves, a summary table's month); for members
    it made the database sort every row (docs/benchmarks.md). The queryset carries the scope
    (``visible_to``): a figure is a channel too."""
    orgs = list(orgs)
    if not orgs:
        return {}
    names = list(aggregates)
    rows = queryset.filter(subtrees_q(path_lookup, [o.path for o in orgs])).order_by()
    if group_by_prefix:
        rows = rows.annotate(rollup_prefix=Substr(path_lookup, 1, max(len(o.path) for o in orgs)))
        path_lookup = "rollup_prefix"
    return added_up(orgs, rows.values(path_lookup).annotate(**aggregates).values_list(path_lookup, *names), names)


def rollup_rows(orgs, rows, names) -> dict[int, dict]:
    """``rollup`` for figures already at hand: ``rows`` of (org path, {name: figure}), added up
    per listed org whose subtree holds the path (figures computed in Python per org, such as
    orglife's compliance)."""
    return added_up(orgs, ((path, *(figures.get(name, 0) for name in names)) for path, figures in rows), names)


def added_up(orgs, rows, names) -> dict[int, dict]:
    """Rows of (org path, figure, figure …) added to every listed org whose path begins theirs
    (figures already at hand as tuples, in ``names`` order: the cheapest form for many rows).
    A tight loop: the city's roll-up adds tens of thousands of groups."""
    sums = {o.path: [0] * len(names) for o in orgs}
    lengths = sorted({len(path) for path in sums})
    for path, *figures in rows:
        for length in lengths:
            if len(path) < length:
                break
            target = sums.get(path[:length])
            if target is not None:
                for i, figure in enumerate(figures):
                    if figure:
                        target[i] += figure
    return {o.pk: dict(zip(names, sums[o.path], strict=True)) for o in orgs}


def subtree_counts(orgs, *, user) -> dict[int, dict[str, int]]:
    """Sub-org and member counts (active members: 正式 and 预备) of each org's subtree, as far as ``user`` may see them (a figure is a
    channel too: a member shown their own branch must not learn what lies beneath it).
    Two queries (``rollup``; the members' from ``core.registry.org_members``)."""
    org_counts = rollup(orgs, Org.objects.visible_to(user), "path", {"orgs": Count("id")}, group_by_prefix=True)
    member_counts = org_members().per_subtree(orgs, user)
    # The visible org itself is in its own range.
    return {pk: {"orgs": max(org_counts[pk]["orgs"] - 1, 0), "members": member_counts[pk]["members"]}
            for pk in org_counts}


def subtree_member_count(org: Org) -> int:
    return org_members().subtree_total(org.path)


def org_warnings(org: Org) -> list[rules.Warning]:
    term = org.terms.filter(ended__isnull=True).first()
    found = rules.term_warnings(org, term)
    if org.kind in BRANCH_KINDS or org.kind == OrgKind.GENERAL_BRANCH:
        counts = org_members().structure(org.path)
        committee = term.members.count() if term else 0
        found += rules.structure_warnings(
            org, members=counts["members"], full_members=counts["full_members"], committee_size=committee
        )
    return found


def search(user, text: str):
    """Orgs whose name contains ``text`` or whose code is ``text``, top levels first (paged by the page)."""
    text = text.strip()
    if not text:
        return Org.objects.none()
    return (Org.objects.visible_to(user).filter(Q(name__icontains=text) | Q(code__iexact=text))
            .order_by("depth", "path"))


def with_branch_names(orgs, user) -> None:
    """Set ``branch_name`` on each party group among ``orgs`` (for ``Org.label``): one query for
    the whole list, through the user's scope like every read."""
    groups = [org for org in orgs if org is not None and org.kind == OrgKind.GROUP]
    if not groups:
        return
    names = dict(Org.objects.visible_to(user).filter(path__in={g.path[:-Org.steplen] for g in groups})
                 .values_list("path", "name"))
    for group in groups:
        group.branch_name = names.get(group.path[:-Org.steplen], "")


def ancestors_names(orgs, user) -> dict[int, str]:
    """'天津市 › 和平区 › …' for each org, in one query; ancestors outside the scope are left out."""
    paths = {p for o in orgs for p in o.ancestor_paths()[:-1]}
    names = dict(Org.objects.visible_to(user).filter(path__in=paths).values_list("path", "name"))
    return {o.pk: " › ".join(names[p] for p in o.ancestor_paths()[:-1] if p in names) for o in orgs}


def rule_table(org: Org) -> list[tuple[str, list[dict]]]:
    """Every rule the platform enforces (core.registry.RULES), by module, with each local rule's
    value for ``org``: its own setting, else the nearest ancestor's, else the platform's default —
    and where the value comes from. One query for the settings."""
    found: dict[str, tuple] = {}
    for key, value, depth, name in (OrgSetting.objects.filter(org__path__in=org.ancestor_paths())
                                    .order_by("org__depth").values_list("key", "value", "org__depth", "org__name")):
        found[key] = (value, depth, name)  # the deepest wins
    modules = []
    for module, entries in rules_by_module():
        rows = []
        for rule in entries:
            row = {"rule": rule, "value": None, "shown": "", "set_at": None, "where": ""}
            if rule.local:
                value, depth, name = found.get(rule.setting, (rule.default, None, None))
                row.update(value=value, shown=rule.shown(value), set_at=name,
                           where="平台默认" if depth is None else "本组织设置" if depth == org.depth else f"沿用{name}的设置")
            rows.append(row)
        modules.append((module, rows))
    return modules


def is_only_root(org: Org) -> bool:
    """``org`` is the tree's only root, so its subtree is every row: a city-wide read may drop the
    path range and use another index (a date, a month). Answered by ``outside_q``'s index ranges
    on the path, not by the unindexed depth."""
    return org.depth == 1 and not Org.objects.filter(outside_q("path", [org.path])).exists()
