"""A user's scope: which orgs (as subtrees) they may act on, and for what.

Built once per request from the user's grants and cached on the user object, with the user's
grants on the other grant trees (the portal's channels) read when first asked for. Every queryset
that reaches a user is filtered through it (``Model.objects.visible_to(user, action)``).
"""

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.models import ADMIN_ROLES, Grant, Role
from core.errors import NotFound
from core.scoping import TREES, GrantTree, TreeGrants, register_tree

# What each org role may do inside the subtrees it is granted on.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ORG_ADMIN: frozenset(
        {"org.view", "org.change", "org.move", "member.view", "member.change",
         "member.export", "member.unmask", "recruitment.view", "recruitment.change",
         "recruitment.approve", "orglife.view", "orglife.change", "orglife.review"}
    ),
    Role.SECRETARY: frozenset(
        {"org.view", "org.change", "member.view", "member.change", "member.export",
         "member.unmask", "recruitment.view", "recruitment.change", "orglife.view", "orglife.change"}
    ),
    Role.COMMISSIONER: frozenset(
        {"org.view", "member.view", "member.change", "member.export", "recruitment.view",
         "recruitment.change", "orglife.view", "orglife.change"}
    ),
}

# The three administrators' system-wide functions (三员分立): none reads business data.
ADMIN_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({"system.configure"}),
    Role.SECADMIN: frozenset({"accounts.manage"}),
    Role.AUDITOR: frozenset({"audit.read"}),
}


def _org_grants(user_id: int) -> list[tuple[str, str]]:
    # The scope fills its org tree from the grants it reads anyway (with the names its labels
    # need); the loader is the tree's own, as every grant tree has one.
    return list(Grant.objects.filter(user_id=user_id, org__isnull=False).values_list("role", "org__path"))


register_tree("org", GrantTree("orgs.Org", ROLE_PERMISSIONS, _org_grants))


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
