"""Reads for the workbench (工作台), the warnings (预警) and the health index (健康指数). Nothing
here counts records over a subtree: the figures come from the other apps' summary tables and
roll-ups (orglife compliance, recruitment's CaseStep, members' MemberCount); the lists that do
read records (a case, a letter, a term) are filtered on indexed columns and bounded (LIST_MAX).
The caller has found ``root`` through the user's scope (``org_root``)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from care import selectors as care_selectors
from core.access import get_scope, minimal_paths, subtree_q
from core.errors import NotFound
from dues import rules as dues_rules
from dues import selectors as dues_selectors
from insights import rules
from insights.cached import for_a_minute
from learning import selectors as learning_selectors
from members import selectors as member_selectors
from members.models import Member
from orders import rules as orders_rules
from orders.models import OPEN_STATES, OrderState, ServiceOrder
from orglife import absence
from orglife import rules as orglife_rules
from orglife import selectors as orglife_selectors
from orglife.models import Meeting, MeetingState
from orgs import rules as org_rules
from orgs import selectors as org_selectors
from orgs.models import BRANCH_KINDS, LeadershipTerm, Org, OrgKind, OrgSetting
from oversight import rules as oversight_rules
from oversight.models import OWED_STATES, RectificationItem
from recruitment import rules as recruitment_rules
from recruitment.models import Case, CaseStatus, Step
from recruitment.selectors import step_rollup, warning_rollup
from transfers.models import Letter, LetterState
from transfers.rules import letter_warnings

# Each kind of warning lists at most this many rows (the most urgent first); past it the page says
# so and links to the module's own list, which pages through all of them.
LIST_MAX = 200
# Absence is judged member by member (no summary holds it): for at most this many branches.
ABSENCE_BRANCHES_MAX = 20
IN_PROGRESS = (CaseStatus.OPEN, CaseStatus.PROBATIONARY)
PERM = "orglife.view"  # who sees warnings and health: those who follow an org's compliance


def org_root(user, value=None) -> Org:
    """The org a page or API operation is about: ``?org=`` (id or code) among the orgs granting
    orglife.view (404 otherwise; text that is neither is a ValidationError), by default the user's
    top one."""
    return orglife_selectors.compliance_root(user, value)


def _compliance_url(org: Org) -> str:
    return f"{reverse('orglife:compliance')}?org={org.pk}"


# --- warnings --------------------------------------------------------------------------------------


@dataclass
class Warning:
    """One warning: its level, what it is about, the rule it cites and where the work is done."""

    level: str
    kind: str
    org: Org
    text: str
    source: str
    url: str
    due: date | None = None
    case: Case | None = field(default=None, repr=False)  # the text and source come from its deadlines

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS[self.level]

    def sort_key(self):
        return (self.level != rules.RED, self.due or date.max, self.org.path)


KIND_LABELS = {"meetings": "三会一课", "recruitment": "发展党员", "term": "班子换届", "absence": "组织生活",
               "transfer": "组织关系转接", "dues": "党费", "orders": "群众点单", "rectification": "巡查整改"}


def _months(today: date) -> list[date]:
    """Last month and this month (first days): a period that ended unmet (red) is one of last
    month's; this month's periods are open, at most due soon (yellow)."""
    first = today.replace(day=1)
    return [(first - timedelta(days=1)).replace(day=1), first]


def meeting_warnings(root: Org, today: date) -> list[Warning]:
    """Requirements owed (orglife compliance, from MeetingPeriods): red where last month's period
    ended unmet, yellow where this month's is due soon or partly met. For a branch or a group its
    own items (and its groups'); above, one line per holder org among the worst LIST_MAX."""
    before, now = orglife_selectors.rollups(root, months=_months(today), today=today, worst=LIST_MAX)
    found = []
    if root.kind in orglife_rules.HOLDER_KINDS:
        holders = orglife_selectors.as_orgs({*before.items, *now.items})
        for result, statuses in ((before, (orglife_rules.RED,)), (now, (orglife_rules.RED, orglife_rules.YELLOW))):
            for pk, items in result.items.items():
                for item in items:
                    if item.status in statuses:
                        found.append(Warning(
                            item.status, "meetings", holders[pk],
                            f"{item.requirement.label}：{item.period_label}应开 {item.required} 次，已开 {item.held} 次"
                            f"（{'已逾期' if item.status == orglife_rules.RED else f'{item.end:%Y-%m-%d} 截止'}）",
                            item.requirement.source, _compliance_url(holders[pk]), item.end))
        return found
    counts: dict[int, list] = {}
    for tally in before.worst:
        counts.setdefault(tally.org.pk, [tally.org, 0, 0])[1] += tally.counts[orglife_rules.RED]
    for tally in now.worst:
        counts.setdefault(tally.org.pk, [tally.org, 0, 0])[2] += tally.counts[orglife_rules.YELLOW]
    for org, red, yellow in counts.values():
        if red or yellow:
            found.append(Warning(
                rules.RED if red else rules.YELLOW, "meetings", org,
                f"三会一课：上月及以前的周期 {red} 项逾期未完成，本期 {yellow} 项即将到期", orglife_rules.ARTICLE,
                _compliance_url(org)))
    return found


def _cases(root: Org, today: date):
    return (Case.objects.filter(subtree_q("org__path", root.path), status__in=IN_PROGRESS, warn_on__lte=today)
            .select_related("org").order_by("due_on", "pk"))


def recruitment_warnings(root: Org, today: date) -> list[Warning]:
    """Cases with a step due (yellow from its warning day) or overdue (red after its last day),
    read by the stored warn_on / due_on (kept by the recruitment services); the step and its
    article are filled in for the rows shown (``explain``)."""
    return [Warning(rules.RED if case.due_on < today else rules.YELLOW, "recruitment", case.org,
                    f"{case.name}：步骤时限 {case.due_on:%Y-%m-%d}", "《中国共产党发展党员工作细则》",
                    reverse("recruitment:detail", args=[case.pk]), case.due_on, case)
            for case in _cases(root, today)[:LIST_MAX]]


def explain(warnings: list[Warning], today: date) -> None:
    """The recruitment warnings' steps and articles (``recruitment.rules.deadlines``), for the rows
    a page shows: two queries (their steps and votes) whatever their number."""
    cases = {w.case.pk: w for w in warnings if w.case is not None}
    if not cases:
        return
    loaded = Case.objects.filter(pk__in=cases).prefetch_related(
        Prefetch("steps", queryset=Step.objects.order_by("number", "done_on", "pk")), "votes")
    for case in loaded:
        history = recruitment_rules.History()
        for step in case.steps.all():
            history.steps.setdefault(step.number, []).append(step)
        history.votes = sorted(case.votes.all(), key=lambda v: (v.held_on, v.pk), reverse=True)
        due = [d for d in recruitment_rules.deadlines(case, history) if d.warn_on <= today]
        if due:
            first = min(due, key=lambda d: d.due_on)
            warning = cases[case.pk]
            warning.text = f"{case.name}：{recruitment_rules.step_label(first.step)}——{first.message}（{first.due_on:%Y-%m-%d} 截止）"
            warning.source = first.source


def term_warnings(root: Org, today: date) -> list[Warning]:
    """Current terms ending within the warning days (local ``term_warning_days``, default 90) or
    ended without re-election (2018 意见), as orgs.rules.term_warnings judges one term; the local
    days of every org at once (``orglife.rules.local_values``, one query)."""
    # No term ending later than the largest setting in force can be due: read up to there, the
    # ended ones first, at most LIST_MAX.
    set_days = OrgSetting.objects.filter(key="term_warning_days").values_list("value", flat=True)
    longest = max([org_rules.LOCAL_DEFAULTS["term_warning_days"], *(v for v in set_days if isinstance(v, int))])
    terms = list(LeadershipTerm.objects.filter(subtree_q("org__path", root.path), ended__isnull=True,
                                               ends__lte=today + timedelta(days=longest))
                 .select_related("org").order_by("ends", "pk")[:LIST_MAX])
    days = orglife_rules.local_values(root, [(t.org.pk, t.org.path) for t in terms], "term_warning_days")
    found = []
    for term in terms:
        if org_rules.term_years(term.org) is None:
            continue
        if term.ends < today:
            level, text = rules.RED, f"班子任期已于 {term.ends:%Y-%m-%d} 届满，尚未换届"
        elif term.ends <= today + timedelta(days=days[term.org.pk]):
            level, text = rules.YELLOW, (f"班子任期将于 {term.ends:%Y-%m-%d} 届满，请做好换届准备"
                                         f"（{(term.ends - today).days} 天后）")
        else:
            continue
        found.append(Warning(level, "term", term.org, text,
                             f"{org_rules.TERM_SOURCE}；届满前{days[term.org.pk]}天提醒（本地设置）",
                             term.org.get_absolute_url(), term.ends))
    return found


def absence_warnings(root: Org, today: date) -> list[Warning]:
    """Members four months or more without organizational life (red from six, 党章第九条), from
    the attendance records (orglife.absence) of at most ABSENCE_BRANCHES_MAX branches; a larger
    subtree gets one line pointing at the absence page, branch by branch."""
    branches = list(Org.objects.filter(subtree_q("path", root.path), kind__in=BRANCH_KINDS)
                    .order_by("path")[:ABSENCE_BRANCHES_MAX + 1])
    if len(branches) > ABSENCE_BRANCHES_MAX:
        return []
    found = []
    for branch in branches:
        for row in absence.absentees(branch, today):
            found.append(Warning(
                rules.RED if row.level == "red" else rules.YELLOW, "absence", branch,
                f"{row.member.name}：自 {row.since:%Y-%m-%d} 起 {row.months} 个月未参加组织生活",
                absence.SOURCE, f"{reverse('orglife:absence')}?org={branch.pk}"))
    return found


def transfer_warnings(root: Org, today: date) -> list[Warning]:
    """Letters sent from the subtree: near the end of their validity (yellow, LETTER_EXPIRY_DAYS),
    expired without receipt, or six months without report (transfers.rules.letter_warnings)."""
    soon = today + timedelta(days=rules.LETTER_EXPIRY_DAYS)
    later = Letter.objects.filter(member=OuterRef("member"), pk__gt=OuterRef("pk"))
    letters = (Letter.objects.filter(subtree_q("from_org__path", root.path))
               .filter(Q(state=LetterState.EXPIRED) | Q(state=LetterState.ISSUED, valid_until__lte=soon))
               .exclude(Exists(later)).select_related("member", "from_org").order_by("valid_until", "pk")[:LIST_MAX])
    found = []
    for letter in letters:
        sender = letter.from_org
        if sender is None:  # never: the filter is on the sender's path
            continue
        own = letter_warnings(letter, today=today)
        for warning in own:
            found.append(Warning(warning.level, "transfer", sender, warning.message, warning.source,
                                 letter.get_absolute_url(), letter.valid_until))
        if not own and letter.state == LetterState.ISSUED and letter.valid_until >= today:
            found.append(Warning(
                rules.YELLOW, "transfer", sender,
                f"{letter.member.name}：介绍信 {letter.number} 将于 {letter.valid_until:%Y-%m-%d} 到期，请提醒党员报到",
                rules.LETTER_SOURCE, letter.get_absolute_url(), letter.valid_until))
    return found


def dues_warnings(root: Org, today: date) -> list[Warning]:
    """Members behind with their dues by the yellow threshold (3 months, a local setting) or the red
    one (5): one month before 党章第九条's six; at most LIST_MAX, the longest behind first."""
    return [Warning(rules.RED if row.level == rules.RED else rules.YELLOW, "dues", row.member.org,
                    f"{row.member.name}：党费交至{row.paid_up_to_label}，已连续 {row.behind} 个月未交纳党费",
                    dues_rules.ARTICLE_9, reverse("dues:org", args=[row.member.org_id]))
            for row in dues_selectors.behind_in_subtree(root, today=today, limit=LIST_MAX)]


def order_warnings(root: Org, today: date) -> list[Warning]:
    """Residents' orders of the subtree's communities waiting past their step's deadline (red) or
    within ORDER_SOON_HOURS of it (yellow): open orders only, on the (state, due_at) index; at most
    LIST_MAX, the longest waiting first. No resident's name or phone in the text."""
    now = timezone.now()
    soon = now + timedelta(hours=rules.ORDER_SOON_HOURS)
    orders = (ServiceOrder.objects.filter(subtree_q("community__path", root.path), state__in=OPEN_STATES,
                                          due_at__lt=soon)
              .select_related("community", "item").order_by("due_at", "pk")[:LIST_MAX])
    step = {OrderState.NEW.value: "派单", OrderState.DISPATCHED.value: "接单", OrderState.ACCEPTED.value: "办结"}
    found = []
    for order in orders:
        if order.due_at is None:  # never: the filter is on due_at
            continue
        late = order.due_at < now
        text = (f"群众点单 {order.number}（{order.item.name}）{order.get_state_display()}，"
                f"{'已超过' if late else '将于'} {timezone.localtime(order.due_at):%m-%d %H:%M} "
                f"{'的' if late else ''}{step[order.state]}时限")
        found.append(Warning(rules.RED if late else rules.YELLOW, "orders", order.community, text,
                             orders_rules.SOURCE, order.get_absolute_url(), timezone.localtime(order.due_at).date()))
    return found


def rectification_warnings(root: Org, today: date) -> list[Warning]:
    """Rectification items of the subtree's orgs owed past their deadline (red) or within
    RECTIFY_SOON_DAYS of it (yellow): items the org owes only (open or returned), on the (state,
    deadline) index; at most LIST_MAX, the longest overdue first."""
    items = (RectificationItem.objects.filter(subtree_q("org__path", root.path), state__in=OWED_STATES,
                                              deadline__lte=today + timedelta(days=rules.RECTIFY_SOON_DAYS))
             .select_related("org", "escalated_to").order_by("deadline", "pk")[:LIST_MAX])
    found = []
    for item in items:
        late = item.deadline < today
        text = (f"巡查整改：{item.problem[:30]}（{item.get_state_display()}，"
                f"{'已超过' if late else ''}整改时限 {item.deadline:%Y-%m-%d}"
                f"{'，已提级至' + item.escalated_to.name + '督办' if item.escalated_to else ''}）")
        found.append(Warning(rules.RED if late else rules.YELLOW, "rectification", item.org, text,
                             oversight_rules.SOURCE, item.get_absolute_url(), item.deadline))
    return found


def warnings(root: Org, today: date | None = None) -> list[Warning]:
    """Every warning of ``root``'s subtree, red first, then the nearest deadline."""
    today = today or timezone.localdate()
    found = (meeting_warnings(root, today) + recruitment_warnings(root, today) + term_warnings(root, today)
             + absence_warnings(root, today) + transfer_warnings(root, today) + dues_warnings(root, today)
             + order_warnings(root, today) + rectification_warnings(root, today))
    return sorted(found, key=Warning.sort_key)


# --- health index ----------------------------------------------------------------------------------


@dataclass
class Health:
    org: Org
    scores: dict  # component → 0..1 or None
    figures: dict  # what each score is computed from
    index: float | None


def weights(root: Org) -> dict[str, int]:
    """The weights in force at ``root`` (its own setting, an ancestor's, or the default)."""
    return {key: rules.clean_weight(org_rules.local_setting(root, rules.weight_key(key)))
            for key, _label, _text in rules.COMPONENTS}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def care_counts(root: Org, children: list[Org], user, today: date) -> dict[int, dict]:
    """Care's figures of the children for the health index (``care.selectors.year_counts``: the
    members due care counted from the archive, who is due depending on the day — no summary can
    hold it); the city's and a district's counted at most once a minute (insights.cached)."""
    return for_a_minute("care", root, user, "member.view",
                        lambda: care_selectors.year_counts(children, user=user, year=today.year))


def health(root: Org, user, today: date | None = None) -> tuple[dict[str, int], list[Health]]:
    """The health index of each child org of ``root`` (visible to ``user``), worst first (no data
    last): compliance from MeetingPeriods, cases from CaseStep and their stored due days, care
    from the members due care (care's statistics)."""
    today = today or timezone.localdate()
    weight = weights(root)
    # Last month's compliance: its monthly periods are complete (this month's have barely begun).
    compliance = orglife_selectors.rollup(root, month=_months(today)[0], today=today, worst=0)
    tallies = {t.org.pk: t for t in compliance.children}
    steps = dict(step_rollup(root, user)["children"])
    overdue = dict(warning_rollup(root, user, today)["children"])
    children = list(steps)
    care = care_counts(root, children, user, today) if children else {}
    found = []
    for child in children:
        tally = tallies.get(child.pk)
        in_progress = sum(steps[child].values())
        red = overdue.get(child, {}).get("red", 0)
        flagged, visited = care.get(child.pk, {}).get("flagged", 0), care.get(child.pk, {}).get("visited", 0)
        due = tally.due if tally else 0
        met = tally.counts[orglife_rules.GREEN] if tally else 0
        scores = {"meetings": _ratio(met, due),
                  "recruitment": (1 - red / in_progress) if in_progress else None,
                  "care": _ratio(visited, flagged)}
        figures = {"meetings": (met, due), "recruitment": (in_progress - red, in_progress), "care": (visited, flagged)}
        found.append(Health(child, scores, figures, rules.health_index(scores, weight)))
    found.sort(key=lambda h: (h.index is None, h.index if h.index is not None else 0, h.org.path))
    return weight, found


# --- the workbench ---------------------------------------------------------------------------------


WORKBENCH_ROOTS_MAX = 5  # a user with more top orgs sees the first five and a link to each page
ITEMS_MAX = 10  # rows per panel; each panel links to the module's list with all of them


@dataclass
class DueItem:
    text: str
    url: str
    level: str = rules.YELLOW
    due: date | None = None
    badge: str = ""  # what the row's badge says; by default 逾期 (red) or 待办

    @property
    def badge_label(self) -> str:
        return self.badge or ("逾期" if self.level == rules.RED else "待办")


@dataclass
class BranchBench:
    """A secretary's or 组织委员's due and overdue work for one branch (or a few)."""

    org: Org
    meetings: list[DueItem]
    recruitment: list[DueItem]
    returned: list[DueItem]
    corrections: list[DueItem]
    transfers: list[DueItem]
    visits: list[DueItem]
    study: list[DueItem] = field(default_factory=list)
    dues: list[DueItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(x) for x in (self.meetings, self.recruitment, self.returned, self.corrections,
                                    self.transfers, self.visits, self.study, self.dues))


@dataclass
class SubtreeBench:
    """An org admin's figures for a street, a district or the city, from the summary tables."""

    org: Org
    members: int
    orgs: int
    compliance: object  # orglife Tally of the subtree for last month (its monthly periods complete)
    worst: list  # orglife Tallies of the worst holder orgs
    by_stage: dict[int, int]
    meeting_red: int
    meeting_yellow: int
    cases_red: int
    cases_yellow: int
    recent: list

    @property
    def in_progress(self) -> int:
        return sum(self.by_stage.values())

    @property
    def warnings(self) -> int:
        return self.meeting_red + self.meeting_yellow + self.cases_red + self.cases_yellow


@dataclass
class MemberBench:
    member: Member
    upcoming: list
    sign_ins: int
    rate: int | None
    corrections: list


@dataclass
class Workbench:
    branches: list[BranchBench]
    subtrees: list[SubtreeBench]
    member: MemberBench | None
    more_roots: int = 0

    @property
    def empty(self) -> bool:
        return not (self.branches or self.subtrees or self.member)


def bench_roots(user) -> list[Org]:
    paths = minimal_paths(get_scope(user).paths_for(PERM))
    return list(Org.objects.filter(path__in=paths).order_by("depth", "path"))


def branch_bench(root: Org, user, today: date) -> BranchBench:
    """What is due at a branch (or a group, or a general branch with its few branches)."""
    meetings = []
    last_month, this_month = _months(today)
    names = dict(Org.objects.filter(subtree_q("path", root.path)).values_list("pk", "name"))
    for month, statuses in ((last_month, (orglife_rules.RED,)),
                            (this_month, (orglife_rules.YELLOW, orglife_rules.PENDING))):
        for pk, items in orglife_selectors.compliance_items(root, month=month, today=today).items():
            whose = "" if pk == root.pk else f"{names.get(pk, '')} · "
            for item in items:
                if item.status in statuses and item.held < item.required:
                    red = item.status == orglife_rules.RED
                    meetings.append(DueItem(
                        f"{whose}{item.requirement.label}：{item.period_label}应开 {item.required} 次，已开 {item.held} 次，"
                        f"{'已于' if red else ''}{item.end:%Y-%m-%d} {'截止，已逾期' if red else '截止'}",
                        f"{reverse('orglife:create')}?org={pk}&kind={item.requirement.kind}",
                        rules.RED if red else rules.YELLOW, item.end))
    meetings.sort(key=lambda i: (i.level != rules.RED, i.due))
    cases = recruitment_warnings(root, today)[:ITEMS_MAX]
    explain(cases, today)
    recruitment = [DueItem(w.text, w.url, w.level, w.due) for w in cases]
    returned = [DueItem(f"{m.get_kind_display()}（{m.held_on:%Y-%m-%d}）{m.topic}：记录被退回，待修改",
                        m.get_absolute_url(), rules.RED, m.held_on, badge="退回")
                for m in Meeting.objects.filter(subtree_q("org__path", root.path), state=MeetingState.RETURNED)
                .order_by("held_on", "pk")[:ITEMS_MAX]]
    corrections = [DueItem(f"{c.member.name}：档案更正申请待处理（{timezone.localdate(c.created):%Y-%m-%d} 提交）",
                           reverse("members:corrections"), rules.YELLOW)
                   for c in member_selectors.pending_corrections(user)
                   .filter(subtree_q("member__org__path", root.path))[:ITEMS_MAX]]
    transfers = [DueItem(f"{letter.member.name}：从{letter.from_org_name}转入，介绍信 {letter.number} 待接收"
                         f"（{letter.valid_until:%Y-%m-%d} 前有效）", letter.get_absolute_url(),
                         rules.RED if letter.valid_until < today else rules.YELLOW, letter.valid_until)
                 for letter in Letter.objects.filter(subtree_q("to_org__path", root.path), state=LetterState.ISSUED)
                 .select_related("member").order_by("valid_until", "pk")[:ITEMS_MAX]]
    unvisited = (care_selectors.flagged_members(user, today=today).filter(subtree_q("org__path", root.path))
                 .exclude(care_selectors.visited_in(today.year)).order_by("name_pinyin", "pk")[:ITEMS_MAX])
    visits = [DueItem(f"{m.name}：本年度尚未走访", reverse("care:member", args=[m.pk])) for m in unvisited]
    dues = [DueItem(f"{row.member.name}：党费交至{row.paid_up_to_label}，已欠缴 {row.behind} 个月"
                    f"{'（连续6个月不交纳党费按自行脱党处理）' if row.level == rules.RED else ''}",
                    reverse("dues:pay", args=[row.member.pk]), rules.RED if row.level == rules.RED else rules.YELLOW,
                    badge="欠缴")
            for row in dues_selectors.behind_in_subtree(root, today=today, limit=ITEMS_MAX)]
    return BranchBench(root, meetings[:ITEMS_MAX], recruitment, returned, corrections, transfers, visits,
                       study=study_behind(root, today), dues=dues)


def study_behind(root: Org, today: date) -> list[DueItem]:
    """Members of the branch behind on their class hours (学时), from the third quarter on (issue
    16.3: warnings from the third quarter); red in the fourth."""
    if today.month < 7:
        return []
    level = rules.RED if today.month >= 10 else rules.YELLOW
    rows = learning_selectors.org_progress(root, today.year)
    return [DueItem(f"{m.name}：本年度学时 {h.total}/{h.required}，尚差 {h.required - h.total}",
                    reverse("learning:progress", args=[root.pk]), level, badge="学时不足")
            for m, h in rows if h.behind][:ITEMS_MAX]


def subtree_bench(root: Org, user, today: date) -> SubtreeBench:
    """The subtree's figures at a glance: members and orgs (MemberCount, the tree), last month's
    compliance, its red items and this month's yellow ones, the worst holders (MeetingPeriods), cases by stage (CaseStep), cases due and overdue (the
    cases' stored days, one grouped query), and the latest meeting records (ten, by date)."""
    counts = org_selectors.subtree_counts([root], user=user)[root.pk]
    before, compliance = orglife_selectors.rollups(root, months=_months(today), today=today, worst=5)
    steps = step_rollup(root, user)
    by_stage: dict[int, int] = {}
    for figures in [steps["own"], *(f for _c, f in steps["children"])]:
        for step, n in figures.items():
            stage = recruitment_rules.STEP[step].stage
            by_stage[stage] = by_stage.get(stage, 0) + n
    cases = warning_rollup(root, user, today)
    colours = [cases["own"], *(c for _o, c in cases["children"])]
    recent = list(orglife_selectors.subtree_meetings(root)
                  .exclude(state=MeetingState.DRAFT).select_related("org").order_by("-held_on", "-pk")[:8])
    # The worst: last month's red (periods that ended unmet) first, then this month's due soon.
    worst, seen = [], set()
    for tally in [*before.worst, *compliance.worst]:
        if tally.org.pk not in seen and (tally.counts[orglife_rules.RED] or tally.counts[orglife_rules.YELLOW]):
            seen.add(tally.org.pk)
            worst.append(tally)
    org_selectors.with_branch_names([t.org for t in worst[:5]], user)  # a group is named with its branch
    return SubtreeBench(
        root, counts["members"], counts["orgs"], before.total, worst[:5], dict(sorted(by_stage.items())),
        before.total.counts[orglife_rules.RED], compliance.total.counts[orglife_rules.YELLOW],
        sum(c.get("red", 0) for c in colours), sum(c.get("yellow", 0) for c in colours), recent)


def member_bench(member: Member, user, today: date) -> MemberBench:
    record = orglife_selectors.my_record(member, today=today)
    corrections = list(member_selectors.corrections(user, member)
                       .filter(status="pending").order_by("created", "pk")[:ITEMS_MAX])
    return MemberBench(member, record.upcoming[:ITEMS_MAX], record.sign_ins, record.rate, corrections)


def workbench(user, today: date | None = None) -> Workbench:
    """The user's home page: a branch panel for each top org that is a branch, group or general
    branch; a subtree panel for each above; the member's own panel."""
    today = today or timezone.localdate()
    roots = bench_roots(user)
    shown = roots[:WORKBENCH_ROOTS_MAX]
    branch_like = {*BRANCH_KINDS, OrgKind.GROUP, OrgKind.GENERAL_BRANCH}
    scope = get_scope(user)
    member = None
    if scope.member_id:
        own = Member.objects.filter(pk=scope.member_id).first()
        member = member_bench(own, user, today) if own else None
    return Workbench(
        branches=[branch_bench(org, user, today) for org in shown if org.kind in branch_like],
        subtrees=[subtree_bench(org, user, today) for org in shown if org.kind not in branch_like],
        member=member, more_roots=len(roots) - len(shown))


def require_root(user, value) -> Org:
    """``org_root`` for the API: a user without orglife.view anywhere finds nothing (404)."""
    if not get_scope(user).has_any_org_perm(PERM):
        raise NotFound
    return org_root(user, value)
