"""A minimal column spec for list pages and exports: a header, how to read a row, an optional link."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    header: str
    accessor: str | Callable[[Any], Any]
    linkify: bool = False
    order_by: str | None = None  # a field name the list may sort on
    export: bool = True

    def value(self, obj):
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
