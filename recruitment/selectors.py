"""Reads for the recruitment pages and the API: cases in the user's scope, one case's history,
the warnings rolled up the tree, plan progress per org, and the public notices."""

from datetime import date, timedelta

from django.db.models import Count, Q

from accounts.scope import get_scope
from core.scoping import minimal_paths, subtrees_q
from members.models import Member, MemberStatus
from orgs.models import BRANCH_KINDS, Org, OrgKind
from recruitment import rules
from recruitment.models import EARMARKED, Case, Notice, Objection, Plan, Step

COMMITTEE_KINDS = (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)


def cases(user, action: str = "view"):
    return Case.objects.visible_to(user, action).select_related("org")


def history(case: Case) -> rules.History:
    """Everything the rules read about one case: five small queries."""
    found = rules.History()
    for step in Step.objects.filter(case=case).order_by("number", "done_on", "pk"):
        found.steps.setdefault(step.number, []).append(step)
    found.reviews = list(case.reviews.order_by("-concluded_on", "-pk"))
    found.prereviews = list(case.prereviews.order_by("-reviewed_on", "-pk"))
    found.votes = list(case.votes.order_by("-held_on", "-pk"))
    found.notices = list(case.notices.order_by("-starts_on", "-pk"))
    found.unresolved = list(Objection.objects.filter(case=case, resolved_on__isnull=True).order_by("received_on"))
    return found


def timeline(case: Case, hist: rules.History, today: date | None = None) -> list[dict]:
    """The 25 steps as the case page shows them: done (with their records), due, overdue, next."""
    today = today or date.today()
    pending = {d.step: d for d in rules.deadlines(case, hist)}
    next_step = next_steps(case, hist)
    rows = []
    for s in rules.STEPS:
        records = hist.steps.get(s.number, [])
        deadline = pending.get(s.number)
        if records:
            state = "done"
        elif deadline is not None:
            state = {"red": "overdue", "yellow": "due", "green": "pending"}[deadline.level(today)]
        else:
            state = "pending"
        rows.append({"step": s, "records": records, "state": state, "deadline": deadline,
                     "level": deadline.level(today) if deadline else "",
                     "is_next": s.number in next_step})
    return rows


def next_steps(case: Case, hist: rules.History) -> list[int]:
    """What may be recorded next (the services decide again on submission)."""
    if not case.is_open or case.status == "archived":
        return []
    found = []
    for s in rules.STEPS:
        if not hist.done(s.number):
            found.append(s.number)
            break
    for number, until in rules.REPEAT_UNTIL.items():
        if hist.done(number) and not hist.done(until) and number not in found:
            found.insert(0, number)
    return found


def branch_full_members(case: Case, user):
    """Full members the mentor and sponsor choices offer: the case's branch, as far as visible."""
    return (Member.objects.visible_to(user).filter(org=case.org, status=MemberStatus.FULL)
            .order_by("name_pinyin", "pk"))


def entitled_voters(case: Case) -> int:
    """Full members of the branch: the default for “entitled” in the vote form."""
    return Member.objects.filter(org=case.org, status=MemberStatus.FULL).count()


# --- roll-ups ------------------------------------------------------------------------------------


def _children(org: Org, user) -> list[Org]:
    return list(Org.objects.visible_to(user).subtree(org).filter(depth=org.depth + 1)
                .exclude(kind=OrgKind.GROUP).order_by("path"))


def _sum_by_child(rows, children: list[Org], own: Org) -> dict:
    """Grouped rows (org path, key, n) summed per child subtree; rows of ``own`` itself under its pk."""
    result: dict = {}
    length = len(own.path) + Org.steplen
    paths = {c.path: c.pk for c in children}
    for path, key, n in rows:
        target = own.pk if len(path) < length else paths.get(path[:length])
        if target is None:
            continue
        bucket = result.setdefault(target, {})
        bucket[key] = bucket.get(key, 0) + n
    return result


def roots(user) -> list[Org]:
    paths = minimal_paths(get_scope(user).paths_for("recruitment.view"))
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def warning_rollup(org: Org, user, today: date | None = None) -> dict:
    """Open cases with an overdue (red) or due (yellow) step, per child org: one grouped query."""
    today = today or date.today()
    children = _children(org, user)
    rows = (cases(user).filter(subtrees_q("org__path", [org.path]), status__in=("open", "probationary"))
            .filter(warn_on__lte=today).order_by()
            .values("org__path").annotate(red=Count("id", filter=Q(due_on__lt=today)), all=Count("id"))
            .values_list("org__path", "red", "all"))
    flat = [(path, "red", red) for path, red, _ in rows] + [(path, "yellow", n - red) for path, red, n in rows]
    sums = _sum_by_child(flat, children, org)
    return {"children": [(c, sums.get(c.pk, {})) for c in children], "own": sums.get(org.pk, {})}


def overdue_cases(org: Org, user, today: date | None = None):
    today = today or date.today()
    return (cases(user).filter(subtrees_q("org__path", [org.path]), status__in=("open", "probationary"),
                               due_on__lt=today).order_by("due_on", "pk"))


def plan_progress(org: Org, user, year: int) -> dict:
    """The org's plan and its children's, against cases approved (step ⑰) that year in each
    subtree, per category: one query for the plans, one grouped query for the admissions."""
    children = _children(org, user)
    plans = {p.org_id: p for p in Plan.objects.visible_to(user).filter(org__in=[org, *children], year=year)
             .prefetch_related("quotas")}
    rows = (Case.objects.visible_to(user).filter(subtrees_q("org__path", [org.path]), approved__year=year)
            .order_by().values("org__path", "category").annotate(n=Count("id"))
            .values_list("org__path", "category", "n"))
    sums = _sum_by_child(rows, children, org)
    own_total: dict = {}
    for bucket in sums.values():
        for key, n in bucket.items():
            own_total[key] = own_total.get(key, 0) + n

    def line(o: Org, admitted: dict) -> dict:
        plan = plans.get(o.pk)
        quotas = {q.category: q.quota for q in plan.quotas.all()} if plan else {}
        return {"org": o, "plan": plan, "admitted": sum(admitted.values()),
                "categories": [(c, quotas.get(c), admitted.get(c, 0)) for c in EARMARKED],
                "drill": o.kind not in BRANCH_KINDS}
    return {"own": line(org, own_total), "children": [line(c, sums.get(c.pk, {})) for c in children]}


def public_notices(today: date | None = None, days_after: int = 7):
    """Notices running now or ended within the last week, for the public page: only what the
    page shows (name, branch, notice kind, dates) is read."""
    today = today or date.today()
    return (Notice.objects.filter(starts_on__lte=today, ends_on__gte=today - timedelta(days=days_after))
            .filter(case__status__in=("open", "probationary", "full"))
            .order_by("-starts_on", "pk").values("pk", "kind", "starts_on", "ends_on", "case__name", "org__name"))
