"""Reads for the recruitment pages and the API: cases in the user's scope, one case's history,
the warnings rolled up the tree, plan progress per org, and the public notices."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.access import get_scope, minimal_paths, subtrees_q
from core.registry import BulletinPart
from members.models import Member, MemberStatus
from members.selectors import observed_on, voting_members
from notifications.models import Kind
from notifications.reminders import Reminder
from notifications.services import org_officers
from orgs.models import BRANCH_KINDS, Org, OrgKind, OrgSetting
from orgs.selectors import children as orgs_children
from orgs.selectors import rollup as tree_rollup
from recruitment import rules
from recruitment.models import EARMARKED, Case, CaseStatus, CaseStep, Notice, Objection, Plan, Step

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
    today = today or timezone.localdate()
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
            if s.number in rules.ANY_ORDER:  # its siblings not yet done are as open as it is
                found += [n for n in sorted(rules.ANY_ORDER) if n > s.number and not hist.done(n)]
            break
    for number, until in rules.REPEAT_UNTIL.items():
        if hist.done(number) and not hist.done(until) and number not in found:
            found.insert(0, number)
    return found


def branch_full_members(case: Case, user):
    """Full members the mentor and sponsor choices offer: the case's branch, as far as visible."""
    return (Member.objects.visible_to(user).filter(org=case.org, status=MemberStatus.FULL)
            .order_by("name_pinyin", "pk"))


def full_members(case: Case) -> int:
    """Full members of the case's branch now (a branch of fewer than three cannot vote an admission)."""
    return Member.objects.filter(org=case.org, status=MemberStatus.FULL).count()


def approving_org(branch: Org) -> Org:
    """The org that approves the branch's admissions and conversions: its nearest ancestor with the
    authority (rules.may_approve), skipping general branches and ungranted community committees."""
    ancestors = list(Org.objects.filter(path__in=branch.ancestor_paths()).exclude(pk=branch.pk).order_by("depth"))
    # The setting as local_setting reads it (own, else the nearest ancestor's, else the default),
    # for every ancestor from one query.
    values = dict(OrgSetting.objects.filter(org__in=ancestors, key="recruitment_community_approval")
                  .values_list("org_id", "value"))
    granted = rules.LOCAL_DEFAULTS["recruitment_community_approval"]
    found = []
    for org in ancestors:
        granted = values.get(org.pk, granted)
        found.append((org, bool(granted)))
    for org, granted in reversed(found):
        if rules.may_approve(org, granted=granted):
            return org
    raise ValueError(f"{branch} has no committee above it")  # the tree's root is a committee


def observed(people: list[Member], day: date) -> frozenset:
    """The pks of ``people`` under 留党察看 on ``day``."""
    return frozenset(observed_on(day).filter(member__in=people).values_list("member_id", flat=True))


def entitled_voters(case: Case, day: date) -> int:
    """The branch's full members with a vote on ``day``, from the roster (members.selectors.voting_members):
    the entitled count of a vote held that day, less any the level above agreed to leave out."""
    return voting_members(case.org, day).count()


# --- roll-ups ------------------------------------------------------------------------------------


def roots(user) -> list[Org]:
    paths = minimal_paths(get_scope(user).paths_for("recruitment.view"))
    return list(Org.objects.filter(path__in=paths).order_by("path"))


def _own(figures: dict, org: Org, children: list[Org]) -> dict:
    """The root's own rows: its subtree's figures less its children's (cases sit in branches
    only, so every other row lies under a listed child)."""
    return {key: n - sum(figures[c.pk][key] for c in children) for key, n in figures[org.pk].items()}


def warning_rollup(org: Org, user, today: date | None = None) -> dict:
    """Open cases with an overdue (red) or due (yellow) step, per child org: one grouped query."""
    today = today or timezone.localdate()
    children = orgs_children(org, user, groups=False)
    open_cases = cases(user).filter(status__in=("open", "probationary"), warn_on__lte=today)
    figures = tree_rollup([org, *children], open_cases, "org__path",
                          {"red": Count("id", filter=Q(due_on__lt=today)), "all": Count("id")})

    def colours(counts: dict) -> dict:
        return {"red": counts["red"], "yellow": counts["all"] - counts["red"]} if counts["all"] else {}
    return {"children": [(c, colours(figures[c.pk])) for c in children],
            "own": colours(_own(figures, org, children))}


def step_rollup(org: Org, user) -> dict:
    """Cases in progress (open and probationary) per last step done, per child org and the org's
    own, as {"children": [(org, {step: n})], "own": {step: n}}: one grouped query over the summary
    table (``CaseStep``, kept by the services), never over the cases. The caller has found ``org``
    through the user's scope; the children are the visible ones."""
    children = orgs_children(org, user, groups=False)
    in_progress = CaseStep.objects.filter(status__in=(CaseStatus.OPEN, CaseStatus.PROBATIONARY))
    figures = tree_rollup([org, *children], in_progress, "org__path",
                          {f"step_{s.number}": Sum("cases", filter=Q(last_step=s.number)) for s in rules.STEPS},
                          group_by_prefix=True)

    def by_step(counts: dict) -> dict:
        return {int(name.removeprefix("step_")): n for name, n in counts.items() if n}
    return {"children": [(c, by_step(figures[c.pk])) for c in children], "own": by_step(_own(figures, org, children))}


def overdue_cases(org: Org, user, today: date | None = None):
    today = today or timezone.localdate()
    return (cases(user).filter(subtrees_q("org__path", [org.path]), status__in=("open", "probationary"),
                               due_on__lt=today).order_by("due_on", "pk"))


def plan_progress(org: Org, user, year: int) -> dict:
    """The org's plan and its children's, against cases approved (step ⑰) that year in each
    subtree, per category: one query for the plans, one grouped query for the admissions."""
    children = orgs_children(org, user, groups=False)
    plans = {p.org_id: p for p in Plan.objects.visible_to(user).filter(org__in=[org, *children], year=year)
             .prefetch_related("quotas")}
    admitted = tree_rollup([org, *children], Case.objects.visible_to(user).filter(approved__year=year), "org__path",
                           {"all": Count("id"), **{c.value: Count("id", filter=Q(category=c)) for c in EARMARKED}})

    def line(o: Org) -> dict:
        plan = plans.get(o.pk)
        quotas = {q.category: q.quota for q in plan.quotas.all()} if plan else {}
        return {"org": o, "plan": plan, "admitted": admitted[o.pk]["all"],
                "categories": [(c, quotas.get(c), admitted[o.pk][c.value]) for c in EARMARKED],
                "drill": o.kind not in BRANCH_KINDS}
    return {"own": line(org), "children": [line(c) for c in children]}


def public_notices(today: date | None = None, days_after: int = 7):
    """Notices running now or ended within the last week, for the public page: only what the
    page shows (name, branch, notice kind, dates) is read."""
    today = today or timezone.localdate()
    return (Notice.objects.filter(starts_on__lte=today, ends_on__gte=today - timedelta(days=days_after))
            .filter(case__status__in=("open", "probationary", "full"))
            .order_by("-starts_on", "pk").values("pk", "kind", "starts_on", "ends_on", "case__name", "org__name"))


def due_reminders(*, today: date, days: int = 7) -> list[Reminder]:
    """For `dangjian notifications remind`: each open case whose pending step falls due within
    ``days`` days or is overdue (``Case.due_on``), to the officers of the case's branch
    (notifications.services.org_officers), one message per case."""
    cases_due = (Case.objects.filter(status__in=(CaseStatus.OPEN, CaseStatus.PROBATIONARY),
                                     due_on__lte=today + timedelta(days=days))
                 .select_related("org").order_by("due_on", "pk"))
    officers: dict[int, list[int]] = {}
    found = []
    for case in cases_due:
        if case.org_id not in officers:
            officers[case.org_id] = org_officers(case.org)
        if not officers[case.org_id] or case.due_on is None:
            continue
        when = "已逾期" if case.due_on <= today else f"将于 {case.due_on:%Y-%m-%d} 逾期"
        found.append(Reminder(recipients=tuple(officers[case.org_id]), kind=Kind.RECRUITMENT_DUE,
                              link=case.get_absolute_url(),
                              title=f"{case.org.name}：{case.name}的发展党员待办步骤{when}"))
    return found


# --- the quarterly bulletin (oversight's 季度通报, core.registry.register_bulletin_section) -------------


def bulletin_part(root: Org, children: list[Org], start: date, end: date, as_of: date):
    """发展党员 for a bulletin, per child org: cases in progress with a step overdue (red) or due
    within its warning days (yellow) as of ``as_of``, and applications received in the quarter."""
    in_progress = Q(status__in=(CaseStatus.OPEN, CaseStatus.PROBATIONARY), warn_on__lte=as_of)
    figures = tree_rollup([root, *children], Case.objects.all(), "org__path", {
        "red": Count("id", filter=in_progress & Q(due_on__lt=as_of)),
        "warned": Count("id", filter=in_progress),
        "applied": Count("id", filter=Q(applied__range=(start, end)))})

    def of(found: dict) -> dict:
        return {"red": found["red"], "yellow": found["warned"] - found["red"], "applied": found["applied"]}
    total = of(figures[root.pk])
    return BulletinPart(
        columns=[("red", "逾期环节（人）"), ("yellow", "临近到期（人）"), ("applied", "本季度递交申请（人）")],
        rows={child.pk: of(figures[child.pk]) for child in children}, total=total,
        rank_by="red", higher_better=False,
        text=(f"本季度{root.name}收到入党申请书{total['applied']}份；截至{as_of:%Y年%m月%d日}，发展党员工作中"
              f"有{total['red']}人的环节已逾期、{total['yellow']}人的环节临近到期。"),
        basis=(f"recruitment_case（发展党员全程纪实）：{root.name}及其下级党组织，进行中（含预备期）的发展对象按"
               f"{as_of:%Y年%m月%d日}判定环节期限；递交申请按申请日期在{start:%Y年%m月%d日}至{end:%Y年%m月%d日}之间"))
