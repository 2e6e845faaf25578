"""`dangjian demo --scale city`: recruitment cases in the branches, inserted in bulk, spread over
all 25 steps, each with every record the services would have stored for its steps:

- steps 1–9 with the dates the rules ask: the talk within a month of the application, the activist
  at least 6 months after it, the candidate at least a year after the activist with half-yearly
  assessments in between, the upper filings a few days after; mentors (⑤, one or two) and
  sponsors (⑨, two) are ``Person`` rows naming full members of the branch on the day;
- a public notice of five working days (by the holiday calendar) ended before each decision it
  precedes (③ ⑦ ⑰ ㉔, ``rules.NOTICE_AFTER``), started after the step it follows;
- the political review (⑩, a passed ``Review``), the training (⑪, 3 days or more / 24 hours), the
  branch committee's review (⑫), the pre-review within a month (⑬, a passed ``PreReview``), the
  admission vote (⑮, a ``Vote`` whose roster is the branch's full members with a vote on the day
  and whose tally carries), the approval within 3 months of it (⑰);
- at ⑰ the person becomes a probationary ``Member`` of the branch, joined on the assembly's date,
  as ``members.services.member_create`` and ``services._approve`` store it (the case's member,
  admitted, approved, probation_ends; the archive's timeline lines); then probation (⑱–㉑), the
  conversion application before the probation ends (㉒), the conversion vote after it (㉓), the
  approval (㉔: the member full, converted on the probation's end) and the archive (㉕). A few
probations are extended by 6 months when they end (services.case_extend: the case's
extension_months and new end, a line on the member's timeline), the later steps after the new end.

The case's status follows the services: open up to ⑯, probationary from ⑰ (the approval makes the
member) to ㉓, full at ㉔, archived at ㉕; a few open cases closed (withdrawn). Some cases are left
waiting past a deadline (talk, assessment, conversion…), so red and yellow cases appear. Stage,
last step and the yellow/red days come from recruitment.rules, as the services store them.

No query per case: the rosters of the branches used, the holiday calendar and the local settings
are read once; rows go in with ``core.bulk.insert_many``; the summaries (cases per step, members
per org and status) are rebuilt by ``dangjian.city`` at the end."""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from core import idcard
from core.bulk import insert_many
from core.crypto import get_provider
from core.dates import add_months
from core.models import WorkCalendarDay
from members.city import districts, region_of
from members.models import Member, MemberEvent, MemberStatus, Observation
from members.pinyin import pinyin_fields
from members.services import ARCHIVE_FIELDS, field_label
from orgs.demo import random_name
from orgs.models import Org, OrgKind, OrgSetting
from recruitment import rules
from recruitment.models import Case, CaseStatus, Notice, Person, PreReview, Review, Step, Vote

LAST_STEP = 25
NOTICE_WORKDAYS = 5
CHUNK = 2000  # org or index ids per IN (…) query
# Who each step needs among the branch's full members with a vote on its day (⑤ a mentor, ⑨ two
# sponsors, ⑮ an assembly of three at least: 党章第三十条); later votes need one.
NEEDS = {5: 1, 9: rules.SPONSORS, 15: rules.BRANCH_MIN_FULL_MEMBERS, 23: 1}
EXTENSION = 6  # months, for the few probations extended (党章第七条: 6 to 12)


@dataclass
class Story:
    """One case's planned records: step dates, notices (kind, first day, last day), the review's
    day, the pre-review (received, reviewed), the votes (purpose → day), the training."""

    steps: dict[int, list[date]] = field(default_factory=dict)
    notices: list[tuple[int, date, date]] = field(default_factory=list)
    training: tuple[int, int] = (3, 24)
    extended: tuple[date, date] | None = None  # the probation extended: assembly, decision

    def last(self) -> date:
        return max([max(ds) for ds in self.steps.values()] + list(self.extended or ()))

    def first(self, n: int) -> date:
        return self.steps[n][0]

    @property
    def months(self) -> int | None:
        """The probation's extension in months, if any."""
        return EXTENSION if self.extended else None

    def probation_ends(self) -> date | None:
        return rules.probation_end(self.first(15), self.months) if 17 in self.steps else None


class Calendar:
    """Working days by the holiday calendar, read once (core.workdays without a query per call)."""

    def __init__(self) -> None:
        self.kinds = dict(WorkCalendarDay.objects.values_list("date", "kind"))

    def is_workday(self, day: date) -> bool:
        kind = self.kinds.get(day)
        return kind == WorkCalendarDay.Kind.WORKDAY if kind is not None else day.weekday() < 5

    def fifth(self, start: date) -> date:
        """The last day of a notice of five working days from ``start`` (as add_workdays)."""
        day, counted = start - timedelta(days=1), 0
        while counted < NOTICE_WORKDAYS:
            day += timedelta(days=1)
            counted += self.is_workday(day)
        return day

    def count(self, first: date, last: date) -> int:
        return sum(self.is_workday(first + timedelta(days=i)) for i in range((last - first).days + 1))


def _story(r: random.Random, applied: date, upto: int, calendar: Calendar, *, extend: bool = False) -> Story:
    """Step number → dates, from the application up to ``upto``, in the rules' order and spacing,
    with the notices the decisions need; ``extend`` (from step 21 on): the probation extended by
    6 months when it ended (services.case_extend), the later steps after the new end."""
    story = Story()
    s = story.steps
    s[1] = [applied]

    def gap(low: int, high: int) -> timedelta:
        return timedelta(days=r.randrange(low, high))

    def noticed(kind: int, decision: date) -> date:
        """A notice started after the step it follows, ended before ``decision`` (moved later if a
        holiday stretches it); the decision's day."""
        after = max(s[rules.NOTICE_AFTER[kind]])
        starts = max(after + timedelta(days=1), decision - gap(9, 16))
        ends = calendar.fifth(starts)
        story.notices.append((kind, starts, ends))
        return max(decision, ends + gap(1, 4))

    d = applied
    for n in range(2, upto + 1):
        if n == 2:
            d = applied + gap(7, 25)
        elif n == 3:
            d = noticed(3, add_months(applied, 6) + gap(0, 30))
        elif n == 6:
            s[6] = [add_months(s[3][0], 5)]
            if upto >= 7:
                s[6].append(add_months(s[3][0], 10))
            continue
        elif n == 7:
            d = noticed(7, add_months(s[3][0], 12) + gap(0, 20))
        elif n == 13:  # received a few days after ⑫, reviewed within the month
            d = d + gap(0, 6) + gap(2, 20)
        elif n == 15:  # the assembly within a month of the pre-review
            d = d + gap(3, 8)
        elif n == 17:  # approved within 3 months of the assembly, after the upper talk
            d = noticed(17, max(s[15][0] + gap(25, 70), d + gap(1, 5)))
        elif n == 21:  # continuing education, quarterly while the probation lasts
            ends = rules.probation_end(s[15][0])
            if extend:  # discussed when it ended, approved within weeks
                assembly = ends + gap(0, 15)
                story.extended = (assembly, assembly + gap(5, 30))
                ends = rules.probation_end(s[15][0], EXTENSION)
            d = d + gap(20, 60)
            s[21] = [d]
            while add_months(d, 3) < ends - timedelta(days=35):
                d = add_months(d, 3)
                s[21].append(d)
            continue
        elif n == 22:  # before the probation ends
            d = max(d + gap(3, 10), rules.probation_end(s[15][0], story.months) - gap(10, 30))
        elif n == 23:  # the conversion vote once it has ended, within the month
            d = max(d + gap(1, 5), rules.probation_end(s[15][0], story.months) + gap(0, 20))
        elif n == 24:
            d = noticed(24, d + gap(15, 60))
        else:
            d = d + gap(3, 15)
        s[n] = [d]
    if upto >= 11:
        story.training = r.choice([(3, 24), (3, 24), (4, 32), (5, 40)])
    return story


def _placed(r: random.Random, upto: int, today: date, lag: int, calendar: Calendar,
            extend: bool = False) -> tuple[date, Story]:
    """The story dated so that its last step is ``lag`` days or so before today (the same draws
    each try, so moving the application moves the whole story); never a day after yesterday."""
    seed = r.random()
    probe = _story(random.Random(seed), today - timedelta(days=2000), upto, calendar, extend=extend)
    applied = today - (probe.last() - probe.first(1)) - timedelta(days=lag)
    story = _story(random.Random(seed), applied, upto, calendar, extend=extend)
    while story.last() >= today:
        applied -= timedelta(days=7)
        story = _story(random.Random(seed), applied, upto, calendar, extend=extend)
    return applied, story


class Rosters:
    """The full members of the branches used (pk, joined, converted), read once, to name mentors
    and sponsors and to count who votes on a day as members.selectors.voting_members does
    (full, joined by then, converted by then, not under 留党察看); the members the cases make full
    (㉔) count from the day after their conversion was approved."""

    def __init__(self, org_ids: list[int]) -> None:
        self.members: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
        for start in range(0, len(org_ids), CHUNK):
            for pk, org_id, joined, converted in Member.objects.filter(
                    org_id__in=org_ids[start:start + CHUNK], status=MemberStatus.FULL).order_by("pk").values_list(
                    "pk", "org_id", "joined", "converted"):
                self.members[org_id].append((pk, joined, converted))
        self.observed: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for member_id, starts, ends in Observation.objects.values_list("member_id", "starts_on", "ends_on"):
            self.observed[member_id].append((starts, ends))
        self.converted: dict[int, list[date]] = defaultdict(list)  # org → days ㉔ was recorded

    def voters(self, org_id: int, day: date) -> list[int]:
        return [pk for pk, joined, converted in self.members[org_id]
                if joined <= day and (converted is None or converted <= day)
                and not any(s <= day < e for s, e in self.observed.get(pk, ()))]

    def roster(self, org_id: int, day: date) -> int:
        return len(self.voters(org_id, day)) + sum(d < day for d in self.converted[org_id])

    def fits(self, org_id: int, story: Story) -> bool:
        return all(len(self.voters(org_id, story.first(n))) >= need
                   for n, need in NEEDS.items() if n in story.steps)


def _tally(r: random.Random, entitled: int) -> dict:
    """A carried vote of ``entitled``: more than half present, some absent with a written opinion,
    a few against or abstaining, yes more than half of the entitled (Vote.compute_passed)."""
    absent = r.randint(0, (entitled - 1) // 2 // 2 + (entitled > 6))
    absent = min(absent, (entitled - 1) // 2)
    present = entitled - absent
    written = r.randint(0, absent)
    counted = present + written
    spare = counted - (entitled // 2 + 1)  # votes that may go elsewhere and still carry
    no = r.randint(0, spare // 3) if spare > 0 else 0
    abstain = r.randint(0, (spare - no) // 3) if spare - no > 0 else 0
    return {"entitled": entitled, "roster": entitled, "excluded": 0, "exclusion_approval": "", "present": present,
            "written_opinions": written, "ballots_issued": present, "ballots_returned": present,
            "yes": counted - no - abstain, "no": no, "abstain": abstain, "passed": True}


def _settings() -> dict | None:
    """The local rules the deadlines read: the defaults where no org sets them (one query), else
    None (read per case, exact)."""
    if OrgSetting.objects.filter(key__in=rules.LOCAL_DEFAULTS).exists():
        return None
    return rules.LOCAL_DEFAULTS


def _status(upto: int) -> str:
    return (CaseStatus.OPEN if upto < 17 else CaseStatus.PROBATIONARY if upto < 24
            else CaseStatus.FULL if upto == 24 else CaseStatus.ARCHIVED)


def _history(story: Story) -> rules.History:
    steps = {n: [SimpleNamespace(done_on=d) for d in ds] for n, ds in story.steps.items()}
    votes = [SimpleNamespace(purpose=n, held_on=story.first(n), passed=True) for n in (23, 15) if n in story.steps]
    return rules.History(steps=steps, votes=votes)


def load(rng: random.Random, *, per_branch: float, serials: dict[str, int], id_number: Callable[[str, int], str],
         regions: tuple[str, ...]) -> int:
    """About ``per_branch`` cases per branch, at every step; ID numbers follow the members'
    (``serials``: the last used per region, of dangjian.bench.id_number), so none repeats a
    member's."""
    today = timezone.localdate()
    provider = get_provider()
    calendar = Calendar()
    settings = _settings()
    region_by_path = districts(regions)
    branches = list(Org.objects.filter(kind=OrgKind.BRANCH).order_by("path"))
    count = max(LAST_STEP * 2, round(len(branches) * per_branch))
    # Spread over the city's branches (not the first ones by path: every district has its cases).
    picked = rng.sample(branches, count) if count <= len(branches) else [*branches, *rng.choices(
        branches, k=count - len(branches))]
    used = sorted({b.pk for b in picked})
    rosters = Rosters(used)
    roomy = [b for b in branches if b.pk in rosters.members and len(rosters.members[b.pk]) >= 6]
    serials = dict(serials)
    planned = []
    for i, org in enumerate(picked):
        upto = 1 + i % LAST_STEP
        # Most wait for their next step as the rules allow; every seventh longer (yellow or red).
        lag = rng.randrange(1, 45) if i % 7 else rng.randrange(30, 200)
        # A few probations extended once (services.case_extend), from step 21 on.
        applied, story = _placed(rng, upto, today, lag, calendar, extend=i % 150 in range(45, 50))
        if any(n in story.steps for n in NEEDS) and not rosters.fits(org.pk, story):
            # A branch too small (or too new) for the step: another of the same build.
            org = next((b for b in (rng.choice(roomy) for _ in range(10)) if rosters.fits(b.pk, story)), None)
            if org is None:
                continue
        region = region_of(org.path, region_by_path)
        serials[region] += 1
        number = id_number(region, serials[region])
        born = idcard.birth_date(number)
        if (applied - born).days < 365 * 18 + 5:
            continue  # too young to apply (rules.check_age)
        if 24 in story.steps:
            rosters.converted[org.pk].append(story.first(24))
        closed = None
        if upto < 13 and i % 40 == 3:  # withdrawn, a few (services.case_close)
            closed = min(story.last() + timedelta(days=rng.randrange(1, 30)), today)
        planned.append(SimpleNamespace(org=org, upto=upto, applied=applied, story=story, number=number, born=born,
                                       closed=closed, name=random_name(rng)))

    members = _members(planned, provider)
    cases = []
    for p in planned:
        story, status = p.story, _status(p.upto)
        history = _history(story)
        admitted = story.first(15) if p.upto >= 17 else None
        case = Case(org=p.org, status=status, applied=p.applied, admitted=admitted,
                    probation_ends=story.probation_ends(), extension_months=story.months)
        warn_on, due_on = (None, None) if p.closed else rules.warn_and_due(case, history, settings)
        cases.append({
            "org_id": p.org.pk, "name": p.name, "gender": idcard.gender(p.number), "birth_date": p.born,
            "id_number_cipher": provider.encrypt(p.number), "id_number_index": provider.blind_index(p.number),
            "id_number_masked": idcard.mask(p.number), "status": CaseStatus.CLOSED if p.closed else status,
            "stage": rules.stage_of(history), "last_step": p.upto, "applied": p.applied, "warn_on": warn_on,
            "due_on": due_on, "admitted": admitted, "approved": story.first(17) if admitted else None,
            "probation_ends": case.probation_ends, "converted": case.probation_ends if p.upto >= 24 else None,
            "member_id": members.get(p.number), "closed": p.closed, "extension_months": story.months,
            "close_reason": "本人因工作调动撤回申请" if p.closed else "",
        })
    insert_many(Case, cases)
    by_index = _case_ids([c["id_number_index"] for c in cases])
    steps, reviews, prereviews, votes, notices = [], [], [], [], []
    for p in planned:
        case_id = by_index[provider.blind_index(p.number)]
        p.case_id = case_id
        story = p.story
        for n, ds in story.steps.items():
            for d in ds:
                extra = {"training_days": story.training[0], "training_hours": story.training[1]} if n == 11 else {}
                steps.append({"case_id": case_id, "org_id": p.org.pk, "number": n, "done_on": d,
                              "note": rules.STEP[n].label, **extra})
        for kind, starts, ends in story.notices:
            notices.append({"case_id": case_id, "org_id": p.org.pk, "kind": kind, "starts_on": starts,
                            "ends_on": ends, "workdays": calendar.count(starts, ends)})
        if 10 in story.steps:
            reviews.append({"case_id": case_id, "methods": "同本人谈话、函调、查阅档案",
                            "findings": "政治历史清楚，现实表现良好", "conclusion": Review.Conclusion.PASSED,
                            "concluded_on": story.first(10)})
        if 13 in story.steps:
            reviewed = story.first(13)
            received = max(story.first(12), reviewed - timedelta(days=rng.randrange(2, 20)))
            prereviews.append({"case_id": case_id, "received_on": received, "reviewed_on": reviewed,
                               "result": PreReview.Result.PASSED, "opinion": "经审查，同意发放入党志愿书"})
        for purpose in (15, 23):
            if purpose in story.steps:
                held_on = story.first(purpose)
                votes.append({"case_id": case_id, "purpose": purpose, "held_on": held_on,
                              **_tally(rng, rosters.roster(p.org.pk, held_on))})
    insert_many(Step, steps)
    insert_many(Notice, notices)
    insert_many(Review, reviews)
    insert_many(PreReview, prereviews)
    insert_many(Vote, votes)
    _people(rng, planned, rosters)
    _events(planned, members)
    return len(cases)


def _approvers(branches: list[Org]) -> dict[int, str]:
    """Branch pk → the name of the committee that approves its admissions (selectors.approving_org,
    from one query: the nearest committee above that may approve; no org setting grants a
    community committee in the city)."""
    if not branches:
        return {}
    committees = {path: SimpleNamespace(kind=kind, level=level, name=name) for path, kind, level, name in
                  Org.objects.filter(kind__in=(OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE))
                  .values_list("path", "kind", "level", "name")}
    found = {}
    for branch in branches:
        above = [committees[path] for path in reversed(branch.ancestor_paths()[:-1]) if path in committees]
        found[branch.pk] = next(o.name for o in above if rules.may_approve(o, granted=False))
    return found


def _case_ids(indexes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(indexes), CHUNK):
        found.update(Case.objects.filter(id_number_index__in=indexes[start:start + CHUNK])
                     .values_list("id_number_index", "pk"))
    return found


def _members(planned: list, provider) -> dict[str, int]:
    """The members the approvals (⑰) made, as member_create and _approve store them: probationary,
    joined on the admission assembly's day, the application's date in the archive; full from the
    probation's end for those converted (㉔). ID number → member pk."""
    rows = []
    spelled: dict[str, dict[str, str]] = {}
    for p in planned:
        if p.upto < 17:
            continue
        if p.name not in spelled:
            spelled[p.name] = pinyin_fields(p.name)
        full = p.upto >= 24
        rows.append({
            **spelled[p.name], "org_id": p.org.pk, "name": p.name, "gender": idcard.gender(p.number),
            "birth_date": p.born, "id_number_cipher": provider.encrypt(p.number),
            "id_number_index": provider.blind_index(p.number), "id_number_masked": idcard.mask(p.number),
            "status": MemberStatus.FULL if full else MemberStatus.PROBATIONARY, "joined": p.story.first(15),
            "applied": p.applied, "converted": p.story.probation_ends() if full else None,
        })
    insert_many(Member, rows)
    indexes = [row["id_number_index"] for row in rows]
    by_index: dict[str, int] = {}
    for start in range(0, len(indexes), CHUNK):
        by_index.update(Member.objects.filter(id_number_index__in=indexes[start:start + CHUNK])
                        .values_list("id_number_index", "pk"))
    return {p.number: by_index[provider.blind_index(p.number)] for p in planned if p.upto >= 17}


def _people(rng: random.Random, planned: list, rosters: Rosters) -> None:
    """Mentors (⑤) and sponsors (⑨): full members of the branch with a vote on the step's day."""
    wanted = [p for p in planned if 5 in p.story.steps]
    step_ids: dict[tuple[int, int], int] = {}
    ids = [p.case_id for p in wanted]
    for start in range(0, len(ids), CHUNK):
        step_ids.update({(case_id, n): pk for case_id, n, pk in Step.objects.filter(
            case_id__in=ids[start:start + CHUNK], number__in=(5, 9)).values_list("case_id", "number", "pk")})
    rows = []
    for p in wanted:
        for n, role, count in ((5, Person.Role.MENTOR, rng.choice(rules.MENTORS)), (9, Person.Role.SPONSOR, rules.SPONSORS)):
            if n not in p.story.steps:
                continue
            voters = rosters.voters(p.org.pk, p.story.first(n))
            for member_id in rng.sample(voters, min(count, len(voters))):
                rows.append({"case_id": p.case_id, "step_id": step_ids[(p.case_id, n)], "role": role,
                             "member_id": member_id})
    insert_many(Person, rows)


def _events(planned: list, members: dict[str, int]) -> None:
    """The archive's timeline lines the services write for a case's member: the archive created and
    the application's date filled in (⑰), the recruitment history, each later step, the conversion."""
    approvers = _approvers([p.org for p in planned if p.story.extended])
    order = {name: i for i, name in enumerate(ARCHIVE_FIELDS)}
    rows = []
    for p in planned:
        if p.upto < 17:
            continue
        member_id, story = members[p.number], p.story
        approved, ends = story.first(17), story.probation_ends()
        first_end = rules.probation_end(story.first(15))

        def line(kind: str, occurred: date, summary: str, member_id: int = member_id) -> None:
            rows.append({"member_id": member_id, "kind": kind, "occurred": occurred, "summary": summary[:300]})
        line("create", approved, f"建立党员档案（{p.org.name}）")
        line("update", approved, f"修改档案：{field_label('applied')} 空 → {p.applied.isoformat()}")
        for n, summary in ((1, "递交入党申请书"), (3, "确定为入党积极分子"), (7, "列为发展对象"),
                           (15, "支部党员大会讨论通过接收为预备党员")):
            line("recruitment", story.first(n), f"{summary}（{rules.STEP[n].circled}）")
        line("recruitment", approved, f"上级党委批准为预备党员，预备期至 {first_end:%Y-%m-%d}（⑰）")
        if story.extended:
            assembly, decided = story.extended
            line("recruitment", decided, f"延长预备期{EXTENSION}个月，至 {ends:%Y-%m-%d}（支部党员大会"
                                         f"{assembly:%Y-%m-%d}讨论，{approvers[p.org.pk]}批准）")
        for n in range(18, p.upto + 1):
            for d in story.steps[n]:
                if n == 24:
                    changes = sorted([("converted", f"{field_label('converted')} 空 → {ends.isoformat()}"),
                                      ("status", f"{field_label('status')} 预备党员 → 正式党员")],
                                     key=lambda c: order[c[0]])
                    line("update", d, "修改档案：" + "；".join(text for _, text in changes))
                    summary = f"上级党委批准转为正式党员，转正日期 {ends:%Y-%m-%d}（党龄自此日起算）"
                elif n == 25:
                    summary = "发展党员材料归档"
                else:
                    summary = rules.STEP[n].label
                line("recruitment", d, f"{summary}（{rules.STEP[n].circled}）")
    insert_many(MemberEvent, rows)
