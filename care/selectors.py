"""Reads for care: who is due a visit (困难党员, 老党员), visits, counts per org subtree.

The thresholds are settings (CARE_SENIOR_STANDING_YEARS, CARE_SENIOR_AGE). Both become one cutoff
date each, so the database answers "50 years' standing" and "aged 80" by comparing a column with
a date: the same answer as ``Member.standing_years()`` and ``Member.age()``, without a loop."""

from datetime import date

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from care.models import CareVisit
from core.access import get_scope, minimal_paths
from members.models import ACTIVE_STATUSES, Hardship, Member
from orgs.models import Org
from orgs.selectors import rollup

REASONS = {
    "hardship": "困难党员",
    "standing": "光荣在党{years}年",
    "age": "{age}岁以上老党员",
}


def reason_labels() -> dict[str, str]:
    return {
        "hardship": REASONS["hardship"],
        "standing": REASONS["standing"].format(years=settings.CARE_SENIOR_STANDING_YEARS),
        "age": REASONS["age"].format(age=settings.CARE_SENIOR_AGE),
    }


def reason_choices() -> list[tuple[str, str]]:
    return list(reason_labels().items())


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def reason_qs(today: date | None = None) -> dict[str, Q]:
    """Each reason for care as a condition on a member row."""
    today = today or timezone.localdate()
    return {
        "hardship": Q(Exists(Hardship.objects.filter(member=OuterRef("pk"), resolved__isnull=True))),
        # standing_years() >= N  <=>  converted on or before the same day N years ago
        "standing": Q(converted__lte=years_before(today, settings.CARE_SENIOR_STANDING_YEARS)),
        # age() >= N  <=>  born on or before the same day N years ago
        "age": Q(birth_date__lte=years_before(today, settings.CARE_SENIOR_AGE)),
    }


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def visited_in(year: int):
    """Condition on a member row: at least one visit in ``year``."""
    return Exists(CareVisit.objects.filter(member=OuterRef("pk"), visited__range=year_range(year)))


def managed_members(user, action: str = "view"):
    """Members of the orgs the user manages. ``visible_to`` also lets a member see their own
    record; care lists are for those who look after members, so the org grants alone count."""
    return Member.objects.granting(user, f"member.{action}")


def managed_visits(user):
    return CareVisit.objects.granting(user, "member.view")


def flagged_members(user, *, today: date | None = None, action: str = "view"):
    """Active members due care, within the orgs the user manages."""
    reasons = reason_qs(today)
    any_reason = reasons["hardship"] | reasons["standing"] | reasons["age"]
    return managed_members(user, action).filter(status__in=ACTIVE_STATUSES).filter(any_reason)


def with_reasons(queryset, *, today: date | None = None):
    """Each row's reasons (for the list's column) and its last visit."""
    reasons = reason_qs(today)
    last_visit = CareVisit.objects.filter(member=OuterRef("pk")).order_by("-visited").values("visited")[:1]
    return queryset.annotate(
        in_hardship=ExpressionWrapper(reasons["hardship"], output_field=BooleanField()),
        long_standing=ExpressionWrapper(reasons["standing"], output_field=BooleanField()),
        elderly=ExpressionWrapper(reasons["age"], output_field=BooleanField()),
        last_visited=Subquery(last_visit),
    )


def member_reasons(member: Member, today: date | None = None) -> list[str]:
    """The reasons for one member, in Python (the member page: one row, no query needed but one)."""
    today = today or timezone.localdate()
    labels = reason_labels()
    found = []
    if member.hardships.filter(resolved__isnull=True).exists():
        found.append(labels["hardship"])
    standing = member.standing_years(today)
    if standing is not None and standing >= settings.CARE_SENIOR_STANDING_YEARS:
        found.append(labels["standing"])
    if member.age(today) >= settings.CARE_SENIOR_AGE:
        found.append(labels["age"])
    return found


def visit_candidates(user, *, include: int | None = None):
    """Whom the visit form offers: the flagged members the user may record visits for, and the
    one member the form was opened for (any active member in scope)."""
    reasons = reason_qs()
    wanted = reasons["hardship"] | reasons["standing"] | reasons["age"]
    if include is not None:
        wanted |= Q(pk=include)
    return (
        managed_members(user, "change").filter(status__in=ACTIVE_STATUSES).filter(wanted)
        .select_related("org").order_by("org__path", "name_pinyin", "pk")
    )


def stats_roots(user) -> list[Org]:
    """The top orgs of the user's member.view grants."""
    paths = minimal_paths(get_scope(user).paths_for("member.view"))
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def stats_rows(user, *, year: int, org: Org | None = None) -> list[tuple[Org, dict, bool]]:
    """The statistics table: ``org`` (chosen with ``orgs.selectors.org_param``; default: the
    user's top orgs), then their children, each with its year_counts and whether it is a child row."""
    tops = [org] if org is not None else stats_roots(user)
    children = [c for top in tops for c in Org.objects.visible_to(user).subtree(top)
                .filter(depth=top.depth + 1).order_by("path")]
    counts = year_counts(tops + children, user=user, year=year)
    return [(o, counts[o.pk], False) for o in tops] + [(o, counts[o.pk], True) for o in children]


def year_counts(orgs, *, user, year: int) -> dict[int, dict]:
    """Per org subtree, for ``year``: members due care, how many of them were visited, visits,
    and the money given. Two queries (``orgs.selectors.rollup``)."""
    flagged = rollup(orgs, flagged_members(user), "org__path",
                     {"flagged": Count("id"), "visited": Count("id", filter=Q(visited_in(year)))})
    visits = rollup(orgs, managed_visits(user).filter(visited__range=year_range(year)), "member__org__path",
                    {"visits": Count("id"), "amount": Sum("amount")})
    return {pk: {**row, "pending": row["flagged"] - row["visited"], **visits[pk]} for pk, row in flagged.items()}
