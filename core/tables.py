"""A minimal column spec for list pages and exports: a header, how to read a row, an optional link;
and a table's optional per-row actions (links shown to those who may use them)."""

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Column:
    header: str
    accessor: str | Callable[[Any], Any]
    linkify: bool | Callable[[Any], str] = False  # True: the row's get_absolute_url(); or obj -> url
    order_by: str | None = None  # a field name the list may sort on
    export: bool = True

    def value(self, obj):
        return _plain(self._raw(obj))

    def url(self, obj) -> str:
        if callable(self.linkify):
            return self.linkify(obj)
        return obj.get_absolute_url() if self.linkify else ""

    def _raw(self, obj):
        if callable(self.accessor):
            return self.accessor(obj)
        value = obj
        for part in self.accessor.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
        display = getattr(obj, f"get_{self.accessor}_display", None) if "." not in self.accessor else None
        if display is not None:
            return display()
        return value


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    # (row, user) -> [(label, url)]: the row's action links for this user; the views behind them
    # decide again (404 out of scope).
    actions: Callable[[Any, Any], list[tuple[str, str]]] | None = None
    empty_text: str = "没有符合条件的记录。"
    # (rows, user) -> None: reads what the columns need for a whole page at once (e.g. the branch
    # beside each party group, orgs.selectors.with_branch_names) instead of once per row.
    preload: Callable[[list, Any], None] | None = None
    # The fields the page's rows read (``QuerySet.only``), where a row has many more: a member
    # without its cipher columns and two dozen archive fields is read in half the time. Exports
    # read whole rows.
    only: tuple[str, ...] = ()

    def sortable(self) -> dict[str, str]:
        return {c.order_by.lstrip("-"): c.order_by for c in self.columns if c.order_by}

    @property
    def has_actions(self) -> bool:
        """For templates, which would call ``actions`` itself."""
        return self.actions is not None

    def rows(self, objects, user=None):
        """Each row as (object, [(column, value, url)], [(label, url)])."""
        objects = list(objects)
        if self.preload:
            self.preload(objects, user)
        return [(obj, [(c, c.value(obj), c.url(obj)) for c in self.columns],
                 self.actions(obj, user) if self.actions else []) for obj in objects]

    def body_html(self, rows) -> SafeString:
        """``rows`` as the table's ``<tr>`` elements. Built here, not by a template loop: a page of
        50 rows is some 1,500 template nodes, which was most of a list page's time."""
        return mark_safe("\n".join(self._row_html(cells, actions) for _obj, cells, actions in rows))

    def _row_html(self, cells, actions) -> str:
        parts = [_cell_html(column.header, value, url) for column, value, url in cells]
        if self.has_actions:
            links = " ".join(format_html('<a href="{}">{}</a>', url, label) for label, url in actions)
            parts.append(format_html('<td data-label="操作">{}</td>', mark_safe(links)))
        return f"<tr>{''.join(parts)}</tr>"


def _cell_html(header: str, value, url: str) -> str:
    """As ``format_html('<td data-label="{}">…</td>', …)`` would write it, without Django's
    lazy-string wrappers around every escape: a page of 50 rows has some 350 cells (CPython's
    html.escape is what django.utils.html.escape calls; SafeData and __html__ pass as they are)."""
    label = _escaped(header)
    if url:
        return f'<td data-label="{label}"><a href="{_escaped(url)}">{_escaped(value)}</a></td>'
    return f'<td data-label="{label}">{_escaped(value)}</td>'


def _escaped(value) -> str:
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value), quote=True)


class Badge(str):
    """A cell value shown as a coloured badge on the page and as its plain text in exports:
    ``Badge("已逾期", "red")``. Templates use ``__html__``; csv and str() see the text."""

    def __new__(cls, text: str, tone: str):
        badge = super().__new__(cls, text)
        badge.tone = tone
        return badge

    def __html__(self):
        return format_html('<span class="badge badge-{}">{}</span>', self.tone, str(self))


def _plain(value):
    """Dates as ISO strings on pages and in exports alike."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
