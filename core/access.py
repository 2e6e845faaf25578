"""The access layer: roles, what each may do, a user's scope, and the one scoping method every
read goes through, ``Model.objects.visible_to(user, action)``.

Orgs carry a materialized path (treebeard's MP_Node: 4 characters of 0-9A-Z per level). A subtree
is one index range on that path, ``path BETWEEN P AND P || 'ZZZ…'``, which SQLite and PostgreSQL
both answer with an index seek (a LIKE prefix would not use the index on either without special
collations).

Grants are roles held on nodes of such a tree, each covering the node's subtree (``TreeGrants``):
the org tree's grants (accounts.Grant) and the portal's channel grants (portal.ChannelGrant) are
the same thing on two trees, each registered by the app that owns it (``register_tree``). What a
role may do on the org tree is a table the apps fill in their ``AppConfig.ready()``
(``register_role_permissions``). A model declares which node its rows hang from and the permission
prefix of its app (``core.models.BaseModel``); its ``scope_filter`` follows from that here.

A user's scope is built once per request from the user's grants and cached on the user object,
with the user's grants on the other grant trees (the portal's channels) read when first asked for.
Core names no app here: the grant trees, the permissions and the grants' models come from the apps
that register them.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q

from core.errors import NotFound


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"
    ORG_ADMIN = "org_admin", "组织部管理员"
    SECRETARY = "secretary", "书记"
    COMMISSIONER = "commissioner", "组织委员"


# 三员分立: the three administrator roles, held without an org and never together.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
ORG_ROLES = frozenset({Role.ORG_ADMIN, Role.SECRETARY, Role.COMMISSIONER})

# What each org role may do inside the subtrees it is granted on: each app adds its own
# permissions in its AppConfig.ready() (``register_role_permissions``).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ORG_ADMIN: frozenset(), Role.SECRETARY: frozenset(), Role.COMMISSIONER: frozenset(),
}

# The three administrators' system-wide functions (三员分立): none reads business data.
ADMIN_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({"system.configure"}),
    Role.SECADMIN: frozenset({"accounts.manage"}),
    Role.AUDITOR: frozenset({"audit.read"}),
}


def register_role_permissions(table: Mapping[str, Iterable[str]]) -> None:
    """An app's permissions on the org tree, by org role (called from its AppConfig.ready())."""
    for role, perms in table.items():
        ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS[role] | frozenset(perms)


PATH_MAX_LENGTH = 255

# ``scope_org`` of a model that is itself a node of the tree (the Org, a portal Channel).
SELF = "self"


def subtree_q(lookup: str, path: str) -> Q:
    """Rows whose ``lookup`` path lies in the subtree rooted at ``path`` (inclusive)."""
    upper = path + "Z" * (PATH_MAX_LENGTH - len(path))
    return Q(**{f"{lookup}__gte": path, f"{lookup}__lte": upper})


def outside_q(lookup: str, paths) -> Q:
    """Rows whose ``lookup`` path lies in none of the subtrees: the gaps between their ranges, each
    an index range (a NOT would read every row)."""
    ranges = [(path, path + "Z" * (PATH_MAX_LENGTH - len(path))) for path in minimal_paths(paths)]
    if not ranges:
        return Q(pk__isnull=False)
    q = Q(**{f"{lookup}__lt": ranges[0][0]}) | Q(**{f"{lookup}__gt": ranges[-1][1]})
    for (_first, upper), (lower, _last) in zip(ranges, ranges[1:], strict=False):
        q |= Q(**{f"{lookup}__gt": upper, f"{lookup}__lt": lower})
    return q


def subtrees_q(lookup: str, paths) -> Q:
    """Rows in any of the subtrees; an empty list matches nothing."""
    q = Q(pk__in=[])
    for path in minimal_paths(paths):
        q |= subtree_q(lookup, path)
    return q


def minimal_paths(paths) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


# --- grants on a tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeGrants:
    """The roles one user holds on nodes of one tree, as ``(role, node path)`` pairs, and what each
    role may do there (``permissions``: role → permissions such as ``"orglife.view"``). A grant
    covers its node and everything below it."""

    held: tuple[tuple[str, str], ...]
    permissions: Mapping[str, frozenset[str]]

    def paths_for(self, perm: str) -> list[str]:
        return [path for role, path in self.held if perm in self.permissions.get(role, ())]

    def q(self, lookup: str, perm: str) -> Q:
        """Rows whose ``lookup`` path lies under a node granting ``perm``."""
        return subtrees_q(lookup, self.paths_for(perm))

    def covers(self, path: str, perm: str) -> bool:
        """A grant of ``perm`` on the node at ``path`` or above it."""
        return any(path.startswith(p) for p in self.paths_for(perm))

    def covers_above(self, path: str, perm: str) -> bool:
        """A grant of ``perm`` strictly above the node at ``path`` (an upper org's decision on a
        branch's record: the branch's own grant does not count)."""
        return any(path.startswith(p) and len(p) < len(path) for p in self.paths_for(perm))

    def holds(self, perm: str) -> bool:
        """``perm`` anywhere (a menu entry, a page that lists across the user's subtrees)."""
        return bool(self.paths_for(perm))


@dataclass(frozen=True)
class GrantTree:
    """A tree whose nodes carry grants: the node model (``"orgs.Org"``), what each role may do,
    and how to read one user's grants, ``load(user_id) -> [(role, node path), ...]``."""

    node_model: str
    permissions: Mapping[str, frozenset[str]]
    load: Callable[[int], list[tuple[str, str]]]

    def grants_of(self, user_id: int | None) -> TreeGrants:
        return TreeGrants(tuple(self.load(user_id)) if user_id else (), self.permissions)

    def prefixes(self) -> set[str]:
        """The permission prefixes the tree knows (``"orglife"`` of ``"orglife.view"``)."""
        return {perm.split(".")[0] for perms in self.permissions.values() for perm in perms}


# The grant trees by name, registered by the app that owns each: "org" (accounts) and
# "channel" (portal). A user's grants on each are read once per request, through their scope.
TREES: dict[str, GrantTree] = {}


def register_tree(name: str, tree: GrantTree) -> None:
    TREES[name] = tree


# --- a user's scope ---------------------------------------------------------------------------


@dataclass
class ScopeGrant:
    role: str
    org_id: int | None
    org_path: str
    org_name: str


@dataclass
class Scope:
    user_id: int | None
    grants: list[ScopeGrant] = field(default_factory=list)
    member_id: int | None = None
    member_org_id: int | None = None
    # The grants on each tree by name, read when first asked for ("org" from ``grants``).
    trees: dict[str, TreeGrants] = field(default_factory=dict, repr=False)
    # (tree, perm) → whether the grants hold every node of the tree (``holds_whole_tree``).
    whole: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.trees["org"] = TreeGrants(tuple((g.role, g.org_path) for g in self.grants if g.org_id),
                                       ROLE_PERMISSIONS)

    def tree(self, name: str) -> TreeGrants:
        """The user's grants on the tree ``name`` ("org", "channel"), one query at most per request."""
        if name not in self.trees:
            grants = TREES[name].grants_of(self.user_id)
            if self.user_id is None:
                return grants  # the shared anonymous scope keeps nothing
            self.trees[name] = grants
        return self.trees[name]

    def holds_whole_tree(self, name: str, perm: str) -> bool:
        """Grants of ``perm`` whose subtrees hold every node of the tree ``name`` (the city's
        admin where the city is the one root). Asked only of a user granted ``perm`` on a root;
        then one indexed query: is any node outside the granted ranges? Kept for the request,
        like the grants."""
        paths = minimal_paths(self.tree(name).paths_for(perm))
        node = apps.get_model(TREES[name].node_model)
        if not any(len(path) == node.steplen for path in paths):
            return False
        if (name, perm) not in self.whole:
            self.whole[(name, perm)] = not node._base_manager.filter(outside_q("path", paths)).exists()
        return self.whole[(name, perm)]

    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_perm(self, perm: str) -> bool:
        """A system-wide permission (the three administrators')."""
        return any(perm in ADMIN_PERMISSIONS.get(g.role, ()) for g in self.grants)

    def holds(self, perm: str) -> bool:
        """``perm`` anywhere: system-wide (the three administrators') or on some node of the grant
        tree whose permissions it is (an org for ``orglife.view``, a channel for ``portal.edit``)."""
        if self.has_perm(perm):
            return True
        prefix = perm.split(".")[0]
        return any(self.tree(name).holds(perm) for name, tree in TREES.items() if prefix in tree.prefixes())

    def is_admin(self) -> bool:
        return bool(self.roles() & ADMIN_ROLES)

    # The org tree's grants (``tree("org")``) under the names the callers know.

    def paths_for(self, perm: str) -> list[str]:
        return self.trees["org"].paths_for(perm)

    def org_q(self, lookup: str, perm: str) -> Q:
        return self.trees["org"].q(lookup, perm)

    def covers(self, path: str, perm: str) -> bool:
        return self.trees["org"].covers(path, perm)

    def covers_above(self, path: str, perm: str) -> bool:
        """A grant of ``perm`` on an org strictly above ``path`` (approvals and reviews by the
        upper org: a branch's own grant does not count)."""
        return self.trees["org"].covers_above(path, perm)

    def has_any_org_perm(self, perm: str) -> bool:
        return self.trees["org"].holds(perm)

    def role_label(self) -> str:
        labels = [
            f"{Role(g.role).label}@{g.org_name}" if g.org_id else Role(g.role).label
            for g in self.grants
        ]
        if self.member_id:
            labels.append("党员")
        return "、".join(labels)


ANONYMOUS_SCOPE = Scope(user_id=None)


def get_scope(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_dangjian_scope", None)
    if cached is not None:
        return cached
    grants = [
        ScopeGrant(role, org_id, path or "", name or "")
        for role, org_id, path, name in user.grants.values_list(
            "role", "org_id", "org__path", "org__name"
        )
    ]
    member = (
        user.member_records.filter(status__in=("full", "probationary"))
        .values_list("pk", "org_id")
        .first()
    )
    scope = Scope(user_id=user.pk, grants=grants)
    if member:
        scope.member_id, scope.member_org_id = member
    user._dangjian_scope = scope
    return scope


def require_perm(user, perm: str) -> None:
    """The gate of a page or API operation (a generic view's ``required_perm``): for a user who
    holds ``perm`` nowhere the page does not exist (``core.errors.NotFound``, answered 404)."""
    if not get_scope(user).holds(perm):
        raise NotFound


def clear_scope_cache(user) -> None:
    if hasattr(user, "_dangjian_scope"):
        del user._dangjian_scope


# --- the declaration on the model -------------------------------------------------------------


@dataclass(frozen=True)
class Own:
    """Rows a member (党员) sees of their own, for "view", besides what grants cover: those whose
    ``lookup`` is their own member record (``of="member"``) or their own org (``of="org"``).
    A lookup across relations (a meeting's ``attendances__member``) becomes a subquery, so that
    the join cannot repeat rows."""

    lookup: str
    of: str = "member"

    def q(self, model, scope) -> Q | None:
        value = scope.member_id if self.of == "member" else scope.member_org_id
        if not value:
            return None
        if "__" not in self.lookup:
            return Q(**{self.lookup: value})
        return Q(pk__in=model._base_manager.filter(**{self.lookup: value}).values("pk"))


def node_lookups(model) -> list[str]:
    """The declared org (or node) FKs of a model as lookups of the node's path."""
    declared = model.scope_org
    lookups = (declared,) if isinstance(declared, str) else tuple(declared)
    return ["path" if lookup == SELF else f"{lookup}__path" for lookup in lookups]


def grants_q(model, scope, perm: str, *, tree_order: bool = True) -> Q:
    """Rows under a node granting ``perm``, through any of the model's declared FKs.

    ``tree_order=False`` is for a list ordered by something other than the rows' place in the
    tree (meetings by date): where the grants hold the whole tree, every row that hangs from a
    node is one, and the predicate names only the FK — no join of the tree, so the database reads
    the list in its own index's order and stops at the page instead of sorting a city's 800,000
    rows. A list in tree order keeps the path range, which the database reads in path order."""
    declared = model.scope_org
    lookups = (declared,) if isinstance(declared, str) else tuple(declared)
    if not tree_order and scope.holds_whole_tree(model.scope_tree, perm):
        q = Q(pk__in=[])
        for lookup in lookups:
            q |= Q(pk__isnull=False) if lookup == SELF else Q(**{f"{lookup}__isnull": False})
        return q
    grants = scope.tree(model.scope_tree)
    first, *others = node_lookups(model)
    q = grants.q(first, perm)
    for lookup in others:
        q |= grants.q(lookup, perm)
    return q


def declared_filter(model, scope, action: str, *, tree_order: bool = True) -> Q:
    """What a model's declaration lets ``scope`` see for ``action``: rows under a node granting
    ``<scope_perm_prefix>.<action>`` on its tree, through any of its declared FKs, plus (for
    "view") the member's own rows."""
    q = grants_q(model, scope, f"{model.scope_perm_prefix}.{action}", tree_order=tree_order)
    if action == "view" and model.scope_own is not None:
        own = model.scope_own.q(model, scope)
        if own is not None:
            q |= own
    return q


def declared_node(obj):
    """The node an object hangs from, by its declaration: the first declared FK that is set."""
    declared = obj.scope_org
    for lookup in (declared,) if isinstance(declared, str) else declared:
        if lookup == SELF:
            return obj
        node = obj
        for name in lookup.split("__"):
            node = getattr(node, name)
            if node is None:
                break
        if node is not None:
            return node
    return None


class ScopedQuerySetMixin:
    def visible_to(self, user, action: str = "view", *, tree_order: bool = True):
        """``tree_order=False``: the caller lists the rows in another order than the tree's (see
        ``grants_q``); a model scoped by hand (``scope_custom``) is filtered as always."""
        scope = get_scope(user)
        if not tree_order and not getattr(self.model, "scope_custom", "custom"):
            return self.filter(declared_filter(self.model, scope, action, tree_order=False))
        return self.filter(self.model.scope_filter(scope, action))

    def granting(self, user, perm: str):
        """Rows under a node on which the user holds ``perm``: the grants alone, without the
        member's own rows (``Org.objects.granting(user, "recruitment.change")`` is the orgs a
        form may offer to receive an application in)."""
        return self.filter(grants_q(self.model, get_scope(user), perm))


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass

