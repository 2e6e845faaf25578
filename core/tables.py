"""A minimal column spec for list pages and exports: a header, how to read a row, an optional link."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Column:
    header: str
    accessor: str | Callable[[Any], Any]
    linkify: bool = False
    order_by: str | None = None  # a field name the list may sort on
    export: bool = True

    def value(self, obj):
        return _plain(self._raw(obj))

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

    def sortable(self) -> dict[str, str]:
        return {c.order_by.lstrip("-"): c.order_by for c in self.columns if c.order_by}

    def rows(self, objects):
        return [(obj, [(c, c.value(obj)) for c in self.columns]) for obj in objects]


def _plain(value):
    """Dates as ISO strings on pages and in exports alike."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
