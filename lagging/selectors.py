"""Lagging reads: the orgs of a subtree that the records flag (``suggestions``), each with its
reasons and figures; the cases of a subtree counted per child org (found and closed from the
summary rows ``lagging.org_year``; open and overdue live on the (org, state) index); a case's
progress; an org's grade history.

``suggestions`` is a handful of grouped queries whatever the subtree's size (a city: 52,000 orgs):
three compliance statements over orglife's summary table ``MeetingPeriods`` (one per month, through
``orglife.selectors.compliance_items``, never a recount of meetings), one each for the leadership
terms, the overdue rectification items, the members without a phone and the open cases, and one
for the flagged orgs themselves."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.utils import timezone

from core.access import subtree_q
from lagging import rules
from lagging.models import OPEN_STATES, CaseState, GradeChange, LaggingCase, LaggingYear, ReasonCode
from members.models import Member
from orglife import rules as orglife_rules
from orglife.selectors import compliance_items
from orgs.models import LeadershipMember, LeadershipTerm, Org, OrgKind, Post
from orgs.selectors import rollup
from oversight.models import OWED_STATES, RectificationItem

# The orgs a case can be about: branches and general branches (not groups, nor temporary branches,
# which elect no team and keep no membership).
CASE_KINDS = (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH)
FIGURES = ("found", "closed", "upgraded")


@dataclass
class Suggestion:
    """An org the records flag: its reasons as (code, sentence with the figure), and the open case
    it is already under (then it is shown as such, not suggested again)."""

    org: Org
    reasons: list[tuple[str, str]] = field(default_factory=list)
    case: LaggingCase | None = None

    @property
    def codes(self) -> list[str]:
        return [code for code, _text in self.reasons]


def complete_months(as_of: date, count: int = rules.RED_MONTHS) -> list[date]:
    """The first days of the ``count`` complete months before ``as_of``'s month, latest first."""
    months, month = [], as_of.replace(day=1)
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def red_runs(root: Org, as_of: date) -> dict[int, list[str]]:
    """Holder orgs of ``root``'s subtree whose 三会一课 compliance was red in each of the last
    ``RED_MONTHS`` complete months → the requirements unmet in the latest of them. A month is red
    when an item whose period ended with that month ended unmet, as it stood on the month's last
    day (orglife's ``rules.status`` seen the next morning); a month in between that was not red
    breaks the run."""
    runs: dict[int, list[str]] | None = None
    for month in complete_months(as_of):
        red = {pk: [i.requirement.label for i in items if i.status == orglife_rules.RED]
               for pk, items in compliance_items(root, month=month, today=_next_month(month)).items()}
        red = {pk: labels for pk, labels in red.items() if labels}
        runs = red if runs is None else {pk: labels for pk, labels in runs.items() if pk in red}
        if not runs:
            return {}
    return runs or {}


def suggestions(root: Org, as_of: date, user, *, include_root: bool = False) -> list[Suggestion]:
    """The branches and general branches strictly below ``root`` that the records flag as of
    ``as_of``, worst first (most reasons), each with its reasons; those under an open case carry
    it. ``user`` scopes the rectification items counted (an unannounced inspection from above
    stays with those who made it). ``include_root``: ``root`` itself too (``reasons_of``)."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    below = subtree_q("org__path", root.path) & Q(org__kind__in=CASE_KINDS)
    if not include_root:
        below &= ~Q(org_id=root.pk)

    months = complete_months(as_of)
    span = f"{months[-1].year}年{months[-1].month}月至{months[0].year}年{months[0].month}月"
    for pk, labels in red_runs(root, as_of).items():
        found[pk].append((ReasonCode.COMPLIANCE, f"三会一课连续{rules.RED_MONTHS}个月红灯（{span}），"
                                                 f"{months[0].month}月未完成：{'、'.join(labels[:4])}"))

    current = LeadershipTerm.objects.filter(org=OuterRef("pk"), ended__isnull=True)
    secretary = LeadershipMember.objects.filter(term__org=OuterRef("pk"), term__ended__isnull=True,
                                                post=Post.SECRETARY)
    orgs_below = Org.objects.filter(subtree_q("path", root.path), kind__in=CASE_KINDS)
    if not include_root:
        orgs_below = orgs_below.exclude(pk=root.pk)
    vacant = (orgs_below.filter(~Exists(secretary)).annotate(has_term=Exists(current)).values_list("pk", "has_term"))
    for pk, has_term in vacant:
        found[pk].append((ReasonCode.NO_SECRETARY, "本届班子没有书记" if has_term else "未录入本届班子，书记空缺"))

    late_terms = (LeadershipTerm.objects.filter(below, ended__isnull=True, ends__lt=as_of)
                  .values_list("org_id", "ends"))
    for pk, ends in late_terms:
        # orgs.rules.term_warnings's wording, for many orgs at once.
        found[pk].append((ReasonCode.TERM_OVERDUE, f"班子任期已于 {ends:%Y-%m-%d} 届满，尚未换届"))

    items = (RectificationItem.objects.visible_to(user, "view", tree_order=False)
             .filter(below, state__in=OWED_STATES, deadline__lt=as_of).order_by().values("org_id")
             .annotate(n=Count("pk"), first=Min("deadline")).values_list("org_id", "n", "first"))
    for pk, n, first in items:
        found[pk].append((ReasonCode.RECTIFICATION_OVERDUE,
                          f"{n}项巡查整改事项超期未整改（最早时限 {first:%Y-%m-%d}）"))

    unreached = (Member.objects.active().filter(below, phone_masked="").order_by().values("org_id")
                 .annotate(n=Count("pk")).filter(n__gte=rules.UNREACHED_MIN).values_list("org_id", "n"))
    for pk, n in unreached:
        found[pk].append((ReasonCode.UNREACHED, f"{n}名党员未留联系电话，无法联系"))

    if not found:
        return []
    # The compliance holders include groups and temporary branches: keep the orgs a case can be about.
    orgs = orgs_below.filter(pk__in=list(found)).in_bulk()
    cases = {case.org_id: case for case in LaggingCase.objects.filter(org_id__in=list(orgs), state__in=OPEN_STATES)}
    result = [Suggestion(org, sorted(found[pk], key=lambda r: list(ReasonCode.values).index(r[0])), cases.get(pk))
              for pk, org in orgs.items()]
    return sorted(result, key=lambda s: (s.case is not None, -len(s.reasons), s.org.path))


def reasons_of(org: Org, as_of: date, user) -> list[tuple[str, str]]:
    """The reasons the records give for ``org`` itself as of ``as_of`` (its own small subtree)."""
    return next((s.reasons for s in suggestions(org, as_of, user, include_root=True) if s.org.pk == org.pk), [])


# --- counts -------------------------------------------------------------------------------------------

def children_counts(orgs: list[Org], year: int) -> dict[int, dict]:
    """Each listed org's subtree: cases found, closed and closed to 较好/先进 in ``year`` (the
    summary rows, one grouped query)."""
    rows = LaggingYear.objects.filter(year=year)
    found = rollup(orgs, rows, "org__path", {name: Sum(name) for name in FIGURES}, group_by_prefix=True)
    return {pk: {name: figures[name] or 0 for name in FIGURES} for pk, figures in found.items()}


def open_cases(user):
    return LaggingCase.objects.visible_to(user, "view", tree_order=False).filter(state__in=OPEN_STATES)


def open_counts(user, orgs: list[Org]) -> dict[int, dict]:
    """Open cases and those past their plan's deadline in each listed org's subtree (one query)."""
    today = timezone.localdate()
    return rollup(orgs, open_cases(user), "org__path",
                  {"open": Count("pk"), "overdue": Count("pk", filter=Q(plan__deadline__lt=today)),
                   "no_plan": Count("pk", filter=Q(state=CaseState.OPEN))})


def progress(case: LaggingCase) -> tuple[int, int]:
    """(tasks done, tasks) of the case's plan."""
    if not hasattr(case, "plan"):
        return 0, 0
    figures = case.plan.tasks.aggregate(done=Count("pk", filter=Q(done_on__isnull=False)), all=Count("pk"))
    return figures["done"], figures["all"]


def current_grade(org: Org) -> str:
    """The org's latest grade ('' when it was never graded)."""
    last = GradeChange.objects.filter(org=org).order_by("-on", "-pk").values_list("grade_to", flat=True).first()
    return last or ""


def grade_history(user, org: Org):
    return (GradeChange.objects.visible_to(user, "view").filter(org=org).select_related("case", "by")
            .order_by("-on", "-pk"))
