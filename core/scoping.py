"""The one scoping method every read goes through: ``Model.objects.visible_to(user, action)``.

Orgs carry a materialized path (treebeard's MP_Node: 4 characters of 0-9A-Z per level). A subtree
is one index range on that path, ``path BETWEEN P AND P || 'ZZZ…'``, which SQLite and PostgreSQL
both answer with an index seek (a LIKE prefix would not use the index on either without special
collations).

Grants are roles held on nodes of such a tree, each covering the node's subtree (``TreeGrants``):
the org tree's grants (accounts.Grant) and the portal's channel grants (portal.ChannelGrant) are
the same thing on two trees. A model declares which node its rows hang from and the permission
prefix of its app (``core.models.BaseModel``); its ``scope_filter`` follows from that here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

PATH_MAX_LENGTH = 255

# ``scope_org`` of a model that is itself a node of the tree (the Org, a portal Channel).
SELF = "self"


def subtree_q(lookup: str, path: str) -> Q:
    """Rows whose ``lookup`` path lies in the subtree rooted at ``path`` (inclusive)."""
    upper = path + "Z" * (PATH_MAX_LENGTH - len(path))
    return Q(**{f"{lookup}__gte": path, f"{lookup}__lte": upper})


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


# The grant trees by name, registered by the app that owns each: "org" (accounts.scope) and
# "channel" (portal). A user's grants on each are read once per request, through their scope.
TREES: dict[str, GrantTree] = {}


def register_tree(name: str, tree: GrantTree) -> None:
    TREES[name] = tree


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


def grants_q(model, grants: TreeGrants, perm: str) -> Q:
    """Rows under a node granting ``perm``, through any of the model's declared FKs."""
    first, *others = node_lookups(model)
    q = grants.q(first, perm)
    for lookup in others:
        q |= grants.q(lookup, perm)
    return q


def declared_filter(model, scope, action: str) -> Q:
    """What a model's declaration lets ``scope`` see for ``action``: rows under a node granting
    ``<scope_perm_prefix>.<action>`` on its tree, through any of its declared FKs, plus (for
    "view") the member's own rows."""
    q = grants_q(model, scope.tree(model.scope_tree), f"{model.scope_perm_prefix}.{action}")
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
    def visible_to(self, user, action: str = "view"):
        from accounts.scope import get_scope

        scope = get_scope(user)
        return self.filter(self.model.scope_filter(scope, action))

    def granting(self, user, perm: str):
        """Rows under a node on which the user holds ``perm``: the grants alone, without the
        member's own rows (``Org.objects.granting(user, "recruitment.change")`` is the orgs a
        form may offer to receive an application in)."""
        from accounts.scope import get_scope

        return self.filter(grants_q(self.model, get_scope(user).tree(self.model.scope_tree), perm))


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass

