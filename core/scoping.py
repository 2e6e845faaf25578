"""The one scoping method every read goes through: ``Model.objects.visible_to(user, action)``.

Orgs carry a materialized path (treebeard's MP_Node: 4 characters of 0-9A-Z per level). A subtree
is one index range on that path, ``path BETWEEN P AND P || 'ZZZ…'``, which SQLite and PostgreSQL
both answer with an index seek (a LIKE prefix would not use the index on either without special
collations).
"""

from django.db import models
from django.db.models import Q

PATH_MAX_LENGTH = 255


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


class ScopedQuerySetMixin:
    def visible_to(self, user, action: str = "view"):
        from accounts.scope import get_scope

        scope = get_scope(user)
        return self.filter(self.model.scope_filter(scope, action))


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass
