"""Reads of regional party building: coverage of a subtree from the buildings' summary rows."""

from dataclasses import dataclass

from django.db.models import Sum

from core.access import subtree_q
from orgs.models import Org
from regional.models import BuildingCoverage
from regional.summaries import FIGURES


@dataclass
class Coverage:
    org: Org
    units: int = 0
    org_covered: int = 0
    work_covered: int = 0
    members: int = 0
    instructors: int = 0
    served_orgs: int = 0
    served_members: int = 0

    @staticmethod
    def _percent(part: int, whole: int) -> str:
        return f"{part * 100 / whole:.1f}%".replace(".0%", "%") if whole else "—"

    @property
    def org_rate(self) -> str:
        return self._percent(self.org_covered, self.units)

    @property
    def work_rate(self) -> str:
        return self._percent(self.work_covered, self.units)


def coverage(org: Org) -> Coverage:
    """The figures of every building committee in the org's subtree (one summary row each)."""
    totals = (BuildingCoverage.objects.filter(subtree_q("org__path", org.path))
              .aggregate(**{name: Sum(name) for name in FIGURES}))
    return Coverage(org, **{name: totals[name] or 0 for name in FIGURES})


def coverage_by_child(org: Org) -> list[Coverage]:
    """The org's children that have buildings in their subtree, each with its figures."""
    rows = []
    for child in Org.objects.get_children(org):
        figures = coverage(child)
        if figures.units or figures.served_orgs:
            rows.append(figures)
    return rows
