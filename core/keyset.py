"""Keyset ("seek") paging (issue 12.2): the next page is the rows after the last one shown, in the
list's order, found by the index instead of by skipping ``OFFSET`` rows. Page 20,000 of a city's
member list costs what page 2 costs, where an offset reads and throws away every row before it.

A cursor names a position in one list: the values of the list's ordering columns at a row, the
direction (the rows after it, or before it for the previous page), the list's address and, where
the list was counted, its total (so later pages don't count again). It is signed
(``django.core.signing``): a cursor is opaque to clients, and one that was altered, or that names
another list or another order, is refused rather than read.

A list pages by cursor only if every column of its order is NOT NULL (the two databases sort
NULLs at opposite ends; a seek over them would skip or repeat rows); the primary key is appended
to an order that lacks it, so the order is total. Lists ordered otherwise page by offset."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

SALT = "dangjian.keyset"


class BadCursor(ValueError):
    """A cursor that was altered, or that belongs to another list or order."""

    message = "翻页游标无效或已过期，请从第一页重新打开列表"


@dataclass(frozen=True)
class Key:
    field: str  # "org__path", "pk"
    descending: bool

    @property
    def term(self) -> str:
        return f"-{self.field}" if self.descending else self.field


def order_of(queryset: QuerySet) -> list[Key] | None:
    """The queryset's order as keys ending in the primary key, or None where a cursor cannot page
    it (an expression, a random order, a nullable column)."""
    terms = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys = []
    for term in terms:
        if not isinstance(term, str) or term == "?":
            return None
        field = term.lstrip("-")
        if field in ("pk", "id"):
            keys.append(Key("pk", term.startswith("-")))
            return keys
        if _nullable(queryset.model, field):
            return None
        keys.append(Key(field, term.startswith("-")))
    keys.append(Key("pk", False))
    return keys


def _nullable(model, path: str) -> bool:
    """Whether any step of ``path`` ("org__path") may be NULL (or is not a column)."""
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True  # an annotation or a lookup: not pageable by cursor
        if getattr(field, "null", True) or field.many_to_many or field.one_to_many:
            return True
        model = field.related_model or model
    return False


def ordered(queryset: QuerySet, keys: list[Key]) -> QuerySet:
    return queryset.order_by(*(k.term for k in keys))


def reversed_order(queryset: QuerySet, keys: list[Key]) -> QuerySet:
    return queryset.order_by(*(Key(k.field, not k.descending).term for k in keys))


def beyond(keys: list[Key], values: list, *, backwards: bool = False) -> Q:
    """The rows strictly after ``values`` in the order of ``keys`` (before them, backwards):
    (k1 > v1) OR (k1 = v1 AND k2 > v2) OR …, each ">" a "<" where the key descends."""
    first = keys[0]
    # The first column's range, implied by the terms below but stated: the planner seeks the
    # first column's index to it and walks on in order, where an OR alone made SQLite sort the
    # whole list (the city's members API nine tenths down: 545 ms → see docs/benchmarks.md).
    condition = Q(**{f"{first.field}__{'gte' if first.descending == backwards else 'lte'}": values[0]})
    rest = Q()
    for i, key in enumerate(keys):
        later = key.descending == backwards  # ascending and forwards: greater
        step = Q(**{f"{key.field}__{'gt' if later else 'lt'}": values[i]})
        for prior, value in zip(keys[:i], values[:i], strict=False):
            step &= Q(**{prior.field: value})
        rest |= step
    return condition & rest


def values_at(queryset: QuerySet, keys: list[Key], pks: list) -> dict:
    """pk → the key values of those rows (one query)."""
    fields = [k.field for k in keys]
    rows = queryset.model._base_manager.filter(pk__in=pks).values_list("pk", *fields)
    return {row[0]: list(row[1:]) for row in rows}


def _plain(value):
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    return value


def _typed(value):
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        if "dec" in value:
            return Decimal(value["dec"])
    return value


@dataclass(frozen=True)
class Cursor:
    values: list | None  # None: the end of the list (the last page, read backwards)
    backwards: bool = False
    count: int | None = None


def encode(path: str, keys: list[Key], cursor: Cursor) -> str:
    payload = {"p": path, "k": [k.term for k in keys], "b": int(cursor.backwards), "n": cursor.count,
               "v": None if cursor.values is None else [_plain(v) for v in cursor.values]}
    return signing.dumps(payload, salt=SALT, compress=True)


def decode(token: str, path: str, keys: list[Key]) -> Cursor:
    try:
        payload = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadCursor from error
    if not isinstance(payload, dict) or payload.get("p") != path or payload.get("k") != [k.term for k in keys]:
        raise BadCursor
    values, count = payload.get("v"), payload.get("n")
    if values is not None and (not isinstance(values, list) or len(values) != len(keys)):
        raise BadCursor
    if count is not None and (not isinstance(count, int) or count < 0):
        raise BadCursor
    if values is None and not payload.get("b"):
        raise BadCursor  # forwards from nowhere
    return Cursor(values=None if values is None else [_typed(v) for v in values],
                  backwards=bool(payload.get("b")), count=count)


def page_rows(queryset: QuerySet, keys: list[Key], cursor: Cursor | None, size: int) -> tuple[list, bool]:
    """Up to ``size`` rows from the cursor's position, in the list's order, and whether more rows
    lie beyond them in the cursor's direction."""
    if cursor is None:
        qs = ordered(queryset, keys)
    elif cursor.backwards:
        qs = reversed_order(queryset, keys)
        if cursor.values is not None:
            qs = qs.filter(beyond(keys, cursor.values, backwards=True))
    else:
        qs = ordered(queryset, keys).filter(beyond(keys, cursor.values or []))
    rows = list(qs[:size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if cursor is not None and cursor.backwards:
        rows.reverse()
    return rows, more
