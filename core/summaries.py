"""Summary tables: figures counted over a subtree come from rows per org (and period) that the
services keep in the same transaction as the records, never from a scan of the records.

An app declares each of its summaries once, in its ``AppConfig.ready()``::

    summaries.register(summaries.Summary(
        name="orglife.meeting_month", model=MeetingMonth,
        key=("org_id", "kind", "month"), values=("held", "by_secretary"),
        compute=meeting_month_rows))

A *tree* summary (``tree=True``) holds in each org's rows the figures of the org's whole subtree:
its services add to the org's row and to each ancestor's, so a subtree's figures are one row
read, not a sum over its orgs; an org moved with its subtree calls ``subtree_moved``.

``compute(org_ids)`` recomputes the rows from the records — for every org (``None``) or for the
listed orgs only — as dicts of the key and value fields. ``check`` compares them with the table
and names the rows that differ; ``rebuild`` makes the table equal to them (``dangjian summaries
--check | --rebuild``). Services change a row with ``add``: an increment that is safe when two
transactions touch the same row, on SQLite and PostgreSQL. A row whose figures are all zero counts
as no row. Core knows no app: the registry is filled by the apps.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models import F


@dataclass(frozen=True)
class Summary:
    """One summary table: its model, the fields that name a row (``key``, the org's first, as
    ``org_id``), the figures it holds (``values``) and how to compute its rows from the records."""

    name: str
    model: type[models.Model]
    key: tuple[str, ...]
    values: tuple[str, ...]
    compute: Callable[[list[int] | None], Iterable[dict]]
    label: str = ""
    tree: bool = False  # each org's rows count its whole subtree (see the module's docstring)

    @property
    def org_field(self) -> str:
        return self.key[0]


_registry: dict[str, Summary] = {}


def register(summary: Summary) -> Summary:
    """Called from an app's ``AppConfig.ready()``; registering the same name twice replaces it
    (Django may call ``ready()`` again in tests)."""
    _registry[summary.name] = summary
    return summary


def registered(names: Iterable[str] | None = None) -> list[Summary]:
    if names is None:
        return [_registry[name] for name in sorted(_registry)]
    unknown = sorted(set(names) - set(_registry))
    if unknown:
        raise KeyError(f"没有这个汇总表：{'、'.join(unknown)}（已登记：{'、'.join(sorted(_registry))}）")
    return [_registry[name] for name in names]


# --- keeping a row ------------------------------------------------------------------------------------


def add(model: type[models.Model], key: dict, **deltas: int) -> None:
    """Add ``deltas`` to the figures of the row named by ``key``, creating it on the first count.

    Update first: an existing row is changed by one UPDATE with ``F()`` (the database adds, so two
    transactions never lose each other's count; on PostgreSQL the second waits for the first's row
    lock, on SQLite writers are serialised anyway). On a miss the row is inserted in a savepoint;
    if another transaction inserted it meanwhile, the unique constraint refuses ours and the
    UPDATE is tried again (it then finds the row). Call inside the service's transaction."""
    deltas = {name: delta for name, delta in deltas.items() if delta}
    if not deltas:
        return
    changes = {name: F(name) + delta for name, delta in deltas.items()}
    if model.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **deltas)
    except IntegrityError:
        model.objects.filter(**key).update(**changes)


def subtree_moved(org_id: int, left: Iterable[int], joined: Iterable[int]) -> None:
    """An org moved with its subtree from under the orgs ``left`` (its old ancestors) to under
    ``joined`` (its new ones): each tree summary's rows of the org — its whole subtree's figures —
    leave the old ancestors' rows and join the new ones'; an ancestor of both keeps its figures.
    Call inside the move's transaction."""
    left, joined = set(left), set(joined)
    left, joined = left - joined, joined - left
    for summary in registered():
        if not summary.tree:
            continue
        rest = summary.key[1:]
        rows = (summary.model.objects.filter(**{summary.org_field: org_id}).order_by(*rest)
                .values_list(*rest, *summary.values))
        for row in rows:
            where = dict(zip(rest, row[:len(rest)], strict=True))
            figures = dict(zip(summary.values, row[len(rest):], strict=True))
            for ancestor in sorted(left):
                add(summary.model, {summary.org_field: ancestor, **where}, **{k: -v for k, v in figures.items()})
            for ancestor in sorted(joined):
                add(summary.model, {summary.org_field: ancestor, **where}, **figures)


# --- comparing with the records ------------------------------------------------------------------------


@dataclass
class Difference:
    """Rows of one summary that differ from the records: ``missing`` (the records have figures the
    table lacks), ``extra`` (the table has figures no record gives), ``wrong`` (both, unequal) —
    each as (key, stored figures, recomputed figures)."""

    summary: Summary
    rows: int = 0  # rows recomputed from the records
    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    wrong: list = field(default_factory=list)
    zero_keys: set = field(default_factory=set)  # rows stored with all figures zero (no row)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.wrong)

    def describe(self, limit: int = 10) -> list[str]:
        names = self.summary.key
        lines = [f"{self.summary.name}：{self.rows} 行；缺少 {len(self.missing)}，多余 {len(self.extra)}，"
                 f"不符 {len(self.wrong)}"]
        for what, rows in (("缺少", self.missing), ("多余", self.extra), ("不符", self.wrong)):
            for key, stored, expected in rows[:limit]:
                where = ", ".join(f"{name}={value}" for name, value in zip(names, key, strict=True))
                lines.append(f"  {what} {where}：汇总 {stored or '-'}，记录 {expected or '-'}")
            if len(rows) > limit:
                lines.append(f"  …另有 {len(rows) - limit} 行{what}")
        return lines


def _nonzero(values: tuple) -> bool:
    return any(values)


def compare(summary: Summary, org_ids: list[int] | None = None) -> Difference:
    """The summary's rows against the records (all orgs, or ``org_ids`` only)."""
    key, values = summary.key, summary.values
    expected = {}
    for row in summary.compute(org_ids):
        figures = tuple(row[name] or 0 for name in values)
        if _nonzero(figures):
            expected[tuple(row[name] for name in key)] = figures
    stored_rows = summary.model.objects.order_by()
    if org_ids is not None:
        stored_rows = stored_rows.filter(**{f"{summary.org_field}__in": org_ids})
    stored = {row[:len(key)]: tuple(row[len(key):]) for row in stored_rows.values_list(*key, *values)}
    found = Difference(summary, rows=len(expected), zero_keys={k for k, v in stored.items() if not _nonzero(v)})
    stored = {k: v for k, v in stored.items() if _nonzero(v)}
    for row_key, figures in expected.items():
        if row_key not in stored:
            found.missing.append((row_key, None, figures))
        elif stored[row_key] != figures:
            found.wrong.append((row_key, stored[row_key], figures))
    found.extra = [(row_key, figures, None) for row_key, figures in stored.items() if row_key not in expected]
    for rows in (found.missing, found.wrong, found.extra):
        rows.sort(key=lambda row: tuple(str(part) for part in row[0]))
    return found


def check(names: Iterable[str] | None = None) -> list[Difference]:
    """Every registered summary (or the named ones) against its records."""
    return [compare(summary) for summary in registered(names)]


def rebuild(names: Iterable[str] | None = None, org_ids: list[int] | None = None) -> list[Difference]:
    """Make the summaries equal to the records, in one transaction; returns what differed. Rows
    are deleted, corrected or inserted only where they differ, so a rebuild of a right table writes
    nothing."""
    with transaction.atomic():
        found = []
        for summary in registered(names):
            difference = compare(summary, org_ids)
            _apply(difference)
            found.append(difference)
    return found


def _apply(difference: Difference) -> None:
    summary = difference.summary
    model, key, values = summary.model, summary.key, summary.values

    def where(row_key: tuple) -> dict:
        return dict(zip(key, row_key, strict=True))
    for row_key, _stored, _expected in difference.extra:
        model.objects.filter(**where(row_key)).delete()
    for row_key, _stored, expected in difference.wrong:
        model.objects.filter(**where(row_key)).update(**dict(zip(values, expected, strict=True)))
    # A missing row may be stored with zeros (which count as no row): updated, else inserted.
    new = []
    for row_key, _stored, expected in difference.missing:
        figures = dict(zip(values, expected, strict=True))
        if row_key in difference.zero_keys:
            model.objects.filter(**where(row_key)).update(**figures)
        else:
            new.append(model(**where(row_key), **figures))
    model.objects.bulk_create(new, batch_size=1000)
