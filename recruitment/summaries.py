"""recruitment's summary table (core.summaries): cases per org, status and last step done, as
they stand now (``CaseStep``), which counts per step over a subtree read instead of the cases.

Every service that changes a case's org, status or steps ends in ``services._refresh``, which
moves the case's count from where the database had it to where it now stands; ``case_create``
counts the new case when it first saves it."""

from django.db.models import Count

from core import summaries
from recruitment.models import Case, CaseStep

NAME = "recruitment.case_step"


def place(case: Case) -> tuple:
    return case.org_id, case.status, case.last_step


def stored_place(case: Case) -> tuple | None:
    """Where the database has the case now (None for a case not yet saved)."""
    if case.pk is None:
        return None
    return Case.objects.filter(pk=case.pk).values_list("org_id", "status", "last_step").first()


def moved(before: tuple | None, after: tuple | None) -> None:
    """A case's count leaves ``before`` and joins ``after`` (either may be None)."""
    if before == after:
        return
    for where, sign in ((before, -1), (after, 1)):
        if where is not None:
            org_id, status, last_step = where
            summaries.add(CaseStep, {"org_id": org_id, "status": status, "last_step": last_step}, cases=sign)


def rows(org_ids: list[int] | None = None):
    """The table's rows recomputed from the cases (all orgs, or the listed ones)."""
    found = Case.objects.all() if org_ids is None else Case.objects.filter(org_id__in=org_ids)
    return found.order_by().values("org_id", "status", "last_step").annotate(cases=Count("id"))


def register() -> None:
    """Called from the app config."""
    summaries.register(summaries.Summary(
        name=NAME, model=CaseStep, key=("org_id", "status", "last_step"), values=("cases",), compute=rows,
        label="发展党员步骤汇总"))
