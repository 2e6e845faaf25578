"""transfers' summary table (core.summaries): letters issued and received per org and month
(``LetterMonth``), for the dashboards. A letter counts as issued by its ``from_org`` in the month
of ``issued_on`` (once issued, whatever became of it) and as received by its ``to_org`` in the month
of ``received_on`` (once received); the services call ``issued``/``received`` in their transaction."""

from collections import Counter
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from core import summaries
from transfers.models import Letter, LetterMonth

NAME = "transfers.letter_month"


def _month(day: date) -> date:
    return day.replace(day=1)


def issued(letter: Letter) -> None:
    if letter.from_org_id is not None:
        summaries.add(LetterMonth, {"org_id": letter.from_org_id, "month": _month(letter.issued_on)}, issued=1)


def received(letter: Letter) -> None:
    if letter.to_org_id is not None and letter.received_on is not None:
        summaries.add(LetterMonth, {"org_id": letter.to_org_id, "month": _month(letter.received_on)}, received=1)


def rows(org_ids: list[int] | None = None) -> list[dict]:
    """The table recomputed from the letters (all orgs, or the listed ones)."""
    counts: dict[tuple, Counter] = {}
    sides = (("issued", "from_org_id", "issued_on"), ("received", "to_org_id", "received_on"))
    for figure, org_field, day_field in sides:
        letters = Letter.objects.filter(**{f"{org_field}__isnull": False, f"{day_field}__isnull": False})
        if org_ids is not None:
            letters = letters.filter(**{f"{org_field}__in": org_ids})
        grouped = (letters.order_by().annotate(month=TruncMonth(day_field)).values(org_field, "month")
                   .annotate(n=Count("id")).values_list(org_field, "month", "n"))
        for org_id, month, n in grouped:
            counts.setdefault((org_id, month), Counter())[figure] += n
    return [{"org_id": org_id, "month": month, "issued": c["issued"], "received": c["received"]}
            for (org_id, month), c in counts.items()]


def register() -> None:
    summaries.register(summaries.Summary(
        name=NAME, model=LetterMonth, key=("org_id", "month"), values=("issued", "received"), compute=rows,
        label="组织关系转接月度汇总（开具、接收）"))
