"""Recruitment rules (rules.md §2; 《中国共产党发展党员工作细则》2014, "细则"; 《中国共产党章程》,
"党章"): the 25 steps as data, the checks that refuse a step with a message naming the rule, and
the deadlines that warn green / yellow / red.

Articles cited: 细则 Arts. 5–21 as rules.md gives them (the branch committee's review, the
pre-review and the 志愿书 are Art. 19); where the exact article is not certain the chapter is cited
(第二章 入党积极分子, 第三章 发展对象, 第四章 预备党员的接收, 第五章 预备党员的教育、考察和转正),
with 党章第七条 for probation, extension, conversion and standing. recruitment/tests/test_citations.py
lists every step's citation in one place for a reviewer."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from core import workdays
from core.dates import add_months
from core.registry import Rule
from members.models import MemberStatus
from orgs.models import OrgKind, OrgLevel
from orgs.rules import local_setting

# Local rules (rules.md "local"): defaults, overridable per org (OrgSetting) and inherited down
# the tree; read through orgs.rules.local_setting with these defaults.
LOCAL_DEFAULTS = {
    "recruitment_activist_months": 6,  # ≥ 6 months from the application to activist
    "recruitment_notice_workdays": 5,  # public notice ≥ 5 working days
    "recruitment_notice_before": [3, 7, 17, 24],  # the decisions a notice must precede
    "recruitment_review_valid_months": 12,  # a political review is valid 1 year
    "recruitment_prereview_months": 1,  # pre-review within 1 month of receipt
    "recruitment_assembly_months": 1,  # assembly within 1 month of the pre-review
    "recruitment_conversion_vote_months": 1,  # "及时讨论": the conversion vote within 1 month of the probation's end
    # Village and community 党委 (under a street or township) approve admissions only where the
    # county-level committee granted them the authority: set True on them, or on a district for all.
    "recruitment_community_approval": False,
}

MIN_AGE = 18  # 细则第五条
TALK_MONTHS = 1  # 细则第七条
ASSESSMENT_MONTHS = 6  # 细则第十一条: an assessment every half year
CANDIDATE_AFTER_MONTHS = 12  # 细则第十二条: ≥ 1 year as activist
SPONSORS = 2  # 细则第十三条
MENTORS = (1, 2)  # 细则第九条
TRAINING_DAYS, TRAINING_HOURS = 3, 24  # 细则第十七条
APPROVAL_MONTHS, APPROVAL_MAX_MONTHS = 3, 6  # rules.md §2 ⑰
PROBATION_MONTHS = 12  # 党章第七条
EXTENSION_MONTHS = (6, 12)  # 党章第七条; 细则第五章
CONVERSION_APPROVAL_MONTHS = 3  # rules.md §2 ㉔

GREEN, YELLOW, RED = "green", "yellow", "red"


def local(org, key: str):
    return local_setting(org, key, LOCAL_DEFAULTS)


@dataclass(frozen=True)
class StepDef:
    number: int
    stage: int
    code: str
    label: str
    article: str
    upper: bool = False  # done by the upper committee: recruitment.approve strictly above the branch
    repeatable: bool = False
    form: str = ""  # steps with their own record: political review, pre-review, vote

    @property
    def circled(self) -> str:
        """① … ⑳ then ㉑ … ㉕ (two Unicode blocks)."""
        return chr(0x2460 + self.number - 1) if self.number <= 20 else chr(0x3251 + self.number - 21)


# 细则: chapter 4 the admission of probationary members, chapter 5 their probation and conversion.
CH4, CH5 = "细则第四章", "细则第五章；党章第七条"
STEPS = (
    StepDef(1, 1, "application", "递交入党申请书", "细则第五、六条"),
    StepDef(2, 1, "talk", "党组织派人谈话", "细则第七条"),
    StepDef(3, 2, "activist", "确定入党积极分子", "细则第八条"),
    StepDef(4, 2, "activist_filing", "入党积极分子报上级党委备案", "细则第八条", upper=True),
    StepDef(5, 2, "mentors", "指定培养联系人", "细则第九条"),
    StepDef(6, 2, "assessment", "培养教育和考察", "细则第十、十一条", repeatable=True),
    StepDef(7, 3, "candidate", "确定发展对象", "细则第十二条"),
    StepDef(8, 3, "candidate_filing", "发展对象报上级党委备案", "细则第十二条", upper=True),
    StepDef(9, 3, "sponsors", "确定入党介绍人", "细则第十三条"),
    StepDef(10, 3, "political_review", "进行政治审查", "细则第十五、十六条", form="review"),
    StepDef(11, 3, "training", "开展集中培训", "细则第十七条"),
    StepDef(12, 4, "branch_review", "支部委员会审查", "细则第十九条"),
    StepDef(13, 4, "pre_review", "上级党委预审", "细则第十九条", upper=True, form="prereview"),
    StepDef(14, 4, "form", "填写入党志愿书", "细则第十九条"),
    StepDef(15, 4, "admission_vote", "支部党员大会讨论表决", "细则第二十、二十一条", form="vote"),
    StepDef(16, 4, "upper_talk", "上级党委派人谈话", CH4, upper=True),
    StepDef(17, 4, "approval", "上级党委审批", CH4, upper=True),
    StepDef(18, 4, "approval_filing", "再上一级党委组织部门备案", CH4, upper=True),
    StepDef(19, 5, "placement", "编入党支部和党小组", CH5),
    StepDef(20, 5, "oath", "入党宣誓", CH5),
    StepDef(21, 5, "education", "继续教育和考察", CH5, repeatable=True),
    StepDef(22, 5, "conversion_application", "提出转正申请", CH5),
    StepDef(23, 5, "conversion_vote", "支部党员大会讨论表决转正", CH5, form="vote"),
    StepDef(24, 5, "conversion_approval", "上级党委审批转正", CH5, upper=True),
    StepDef(25, 5, "archived", "材料归档", CH5),
)
STEP = {s.number: s for s in STEPS}
UPPER_STEPS = frozenset(s.number for s in STEPS if s.upper)
APPROVAL_STEPS = frozenset({17, 24})  # by the approving committee (may_approve), not just any org above
# The decisions a public notice precedes, and the step that must be done before it starts.
NOTICE_AFTER = {3: 2, 7: 6, 17: 15, 24: 23}
# Repeatable steps stay open until this step is done.
REPEAT_UNTIL = {6: 12, 21: 22}
# The candidate's sponsors (⑨), political review (⑩) and short training (⑪, often a batch's) may be
# done in any order among themselves (细则第三章); step ⑫ needs all three.
ANY_ORDER = frozenset({9, 10, 11})
# 党章第三十条: a branch is set up where there are three or more full members; one with fewer cannot
# discuss an admission.
BRANCH_MIN_FULL_MEMBERS = 3


def step_label(number: int) -> str:
    s = STEP[number]
    return f"第{number}步“{s.label}”"


@dataclass
class History:
    """What a case has done so far, as the checks read it (loaded by selectors.history)."""

    steps: dict[int, list] = field(default_factory=dict)  # number → Step rows, by date
    reviews: list = field(default_factory=list)  # newest first
    prereviews: list = field(default_factory=list)  # newest first
    votes: list = field(default_factory=list)  # newest first
    notices: list = field(default_factory=list)  # newest first
    unresolved: list = field(default_factory=list)  # objections not yet resolved

    def done(self, number: int) -> bool:
        return bool(self.steps.get(number))

    def first(self, number: int) -> date | None:
        rows = self.steps.get(number)
        return rows[0].done_on if rows else None

    def last(self, number: int) -> date | None:
        rows = self.steps.get(number)
        return rows[-1].done_on if rows else None

    def latest_vote(self, purpose: int):
        return next((v for v in self.votes if v.purpose == purpose), None)

    def latest_notice(self, kind: int):
        return next((n for n in self.notices if n.kind == kind), None)

    def last_date(self) -> date | None:
        dates = [rows[-1].done_on for rows in self.steps.values() if rows]
        return max(dates) if dates else None


def _refuse(message: str, field_name: str | None = None):
    raise ValidationError({field_name: message} if field_name else message)


# --- preconditions -------------------------------------------------------------------------------


def check_age(birth: date, applied: date) -> None:
    age = applied.year - birth.year - ((applied.month, applied.day) < (birth.month, birth.day))
    if age < MIN_AGE:
        _refuse(f"年满十八岁方可申请入党（细则第五条）：递交申请书时年仅{age}岁", "applied")


def check_date(done_on: date, today: date, field_name: str = "done_on") -> None:
    if done_on > today:
        _refuse("日期不能晚于今天", field_name)


def check_status(case, number: int) -> None:
    wanted = "open" if number <= 17 else "probationary" if number <= 24 else "full"
    if case.status != wanted:
        _refuse(f"该发展党员当前状态为“{case.get_status_display()}”，不能登记{step_label(number)}")


def check_sequence(history: History, number: int, done_on: date) -> None:
    """Steps in order (repeatable steps once at least); a date not before the previous step's."""
    s = STEP[number]
    if not s.repeatable and history.done(number):
        _refuse(f"{step_label(number)}已登记（{history.first(number):%Y-%m-%d}），不能重复登记")
    if s.repeatable and history.done(REPEAT_UNTIL[number]):
        _refuse(f"已完成{step_label(REPEAT_UNTIL[number])}，不能再登记{step_label(number)}")
    before = [k for k in range(1, number) if not (k in ANY_ORDER and number in ANY_ORDER)]
    for k in before:
        if not history.done(k):
            _refuse(f"请先完成{step_label(k)}，再登记{step_label(number)}")
    previous = [history.last(k) if STEP[k].repeatable else history.first(k) for k in before]
    latest = max((d for d in previous if d), default=None)
    if latest and done_on < latest:
        _refuse(f"{step_label(number)}的日期不能早于上一步骤的日期（{latest:%Y-%m-%d}）", "done_on")


def check_activist_months(case, history: History, done_on: date) -> None:
    """Local: ≥ 6 months from the application to activist (rules.md §2, 本地规定)."""
    months = local(case.org, "recruitment_activist_months")
    earliest = add_months(case.applied, months)
    if done_on < earliest:
        _refuse(f"递交入党申请书满{months}个月方可确定为入党积极分子（本地规定，rules.md §2）：申请日期 "
                f"{case.applied:%Y-%m-%d}，最早 {earliest:%Y-%m-%d}", "done_on")


def check_candidate_year(history: History, done_on: date) -> None:
    activist = history.first(3)
    if activist is None:
        return
    earliest = add_months(activist, CANDIDATE_AFTER_MONTHS)
    if done_on < earliest:
        _refuse(f"入党积极分子须经过一年以上培养教育和考察方可列为发展对象（细则第十二条）：{activist:%Y-%m-%d} "
                f"确定为入党积极分子，最早 {earliest:%Y-%m-%d} 可列为发展对象", "done_on")


def check_people(number: int, members: list, observed: frozenset = frozenset()) -> None:
    """⑤ one or two full members as mentors (细则第九条); ⑨ two full members as sponsors (第十三条),
    none under 留党察看 on the day (``observed``: the pks of those who are; 细则第十三条)."""
    if number == 5:
        low, high = MENTORS
        if not low <= len(members) <= high:
            _refuse(f"应指定一至二名正式党员作培养联系人（细则第九条），当前为{len(members)}名", "people")
        role, article = "培养联系人", "细则第九条"
    else:
        if len(members) != SPONSORS:
            _refuse(f"发展对象应当有两名正式党员作入党介绍人（细则第十三条），当前为{len(members)}名", "people")
        role, article = "入党介绍人", "细则第十三条"
    if len({m.pk for m in members}) != len(members):
        _refuse(f"{role}不能重复", "people")
    for member in members:
        if member.status != MemberStatus.FULL:
            _refuse(f"{role}须是正式党员（{article}）：{member.name}是{member.get_status_display()}", "people")
        if number == 9 and member.pk in observed:
            _refuse(f"受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人（细则第十三条）：{member.name}", "people")


def check_training(days: int | None, hours: int | None) -> None:
    if (days or 0) < TRAINING_DAYS and (hours or 0) < TRAINING_HOURS:
        _refuse(f"发展对象的集中培训时间一般不少于{TRAINING_DAYS}天（或不少于{TRAINING_HOURS}个学时）（细则第十七条）",
                "training_days")


def check_review_passed(case, history: History, on_day: date, *, fresh: bool = True) -> None:
    """No admission without a passed political review (细则第十六条); up to the assembly the review
    must be within its local validity (default 1 year) on the step's day."""
    review = history.reviews[0] if history.reviews else None
    if review is None or review.conclusion != "passed":
        _refuse("没有进行政治审查或政治审查不合格的，不能发展入党（细则第十六条）")
    if not fresh:
        return
    months = local(case.org, "recruitment_review_valid_months")
    if add_months(review.concluded_on, months) < on_day:
        _refuse(f"政治审查结论有效期为{months}个月（本地规定），{review.concluded_on:%Y-%m-%d} 的结论已过期，"
                "请重新进行政治审查（细则第十六条）")


def check_prereview_passed(history: History) -> None:
    prereview = history.prereviews[0] if history.prereviews else None
    if prereview is None or prereview.result != "passed":
        _refuse("入党志愿书须在上级党委预审合格后发放，预审未通过的不能填写入党志愿书（细则第十九条）")


def check_vote_passed(history: History, purpose: int) -> None:
    vote = history.latest_vote(purpose)
    what = "接收预备党员" if purpose == 15 else "预备党员转正"
    if vote is None:
        _refuse(f"支部党员大会尚未就{what}进行表决（细则第二十、二十一条）")
    if vote.result == "invalid":
        _refuse(f"支部党员大会{vote.held_on:%Y-%m-%d}的{what}表决因到会人数未超过应到会人数的半数而无效，"
                "须重新召开支部党员大会表决（细则第二十、二十一条）")
    if not vote.passed:
        _refuse(f"支部党员大会{vote.held_on:%Y-%m-%d}的{what}表决未通过：赞成票须超过应到会有表决权正式党员的半数，"
                "且到会人数须超过应到会人数的半数（细则第二十、二十一条）")


APPROVAL_SOURCE = "细则第四章：党总支、临时党组织和未经县级以上党委授权的村、社区党委没有审批发展党员的权限"


def may_approve(org, *, granted: bool) -> bool:
    """Whether ``org`` holds the authority to approve admissions and conversions: a 党委 or 党工委,
    not a general branch, a branch or a temporary org; a village or community 党委 only where
    ``granted`` (the local setting recruitment_community_approval)."""
    if org.kind not in (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE):
        return False
    return org.level != OrgLevel.COMMUNITY or granted


def check_probation_decision(case, assembly_on: date, decided_on: date) -> None:
    """Extending probation or cancelling it: the branch assembly discusses it first, then the level
    above approves (细则第三十二条)."""
    if assembly_on > decided_on:
        _refuse(f"支部党员大会讨论（{assembly_on:%Y-%m-%d}）应在上级党组织批准（{decided_on:%Y-%m-%d}）之前"
                "（细则第三十二条）", "assembly_on")
    if case.admitted and assembly_on < case.admitted:
        _refuse(f"支部党员大会讨论日期不能早于接收为预备党员的日期（{case.admitted:%Y-%m-%d}）", "assembly_on")


LEAVING_MONTHS = 3  # 细则第十九条: leaving the unit within 3 months, generally not admitted


def leaving_warning(case, on_day: date) -> str | None:
    """A warning, not a refusal: an applicant who will leave their unit within three months is
    generally not admitted; their record goes to the next unit's party organization (细则第十九条)."""
    if case.leaving_on is None or case.status != "open" or case.last_step >= 17:
        return None
    if case.leaving_on > add_months(on_day, LEAVING_MONTHS):
        return None
    return (f"{case.name}预计于 {case.leaving_on:%Y-%m-%d} 离开工作、学习单位：3个月内将离开的，一般不办理接收手续，"
            "可将培养考察材料转交其所去单位党组织（细则第十九条）")


def check_probation_ended(case, on_day: date) -> None:
    if case.probation_ends and on_day < case.probation_ends:
        _refuse(f"预备期满方可讨论和审批转正（党章第七条）：预备期至 {case.probation_ends:%Y-%m-%d}", "done_on")


def check_extension(case, months: int, decided_on: date) -> None:
    if case.status != "probationary":
        _refuse(f"只有预备党员可以延长预备期，当前状态为“{case.get_status_display()}”")
    if case.extension_months:
        _refuse(f"预备期只能延长一次（党章第七条；细则第五章），已于此前延长{case.extension_months}个月")
    low, high = EXTENSION_MONTHS
    if not low <= months <= high:
        _refuse("延长预备期不能少于半年，最长不超过一年（党章第七条；细则第五章）", "months")
    check_probation_ended(case, decided_on)


def vote_problems(v) -> str | None:
    """The first arithmetic inconsistency of a tally, in Chinese (the model's constraints, said)."""
    if v.entitled < 1:
        return "应到会有表决权的正式党员人数须大于0"
    if v.present > v.entitled:
        return "实到会人数不能多于应到会人数"
    if v.written_opinions > v.entitled - v.present:
        return "书面意见只能来自因故未到会的有表决权党员，份数不能多于未到会人数"
    if v.ballots_issued > v.present:
        return "发出选票不能多于实到会人数"
    if v.ballots_returned > v.ballots_issued:
        return "收回选票不能多于发出选票"
    if v.yes + v.no + v.abstain > v.ballots_returned + v.written_opinions:
        return "赞成、反对、弃权合计不能多于收回选票与书面意见之和"
    return None


def check_approval_time(history: History, done_on: date, note: str) -> None:
    """Step ⑰: the upper committee approves within 3 months of the assembly; beyond that only as a
    special case whose reason is recorded, and never beyond 6 months (rules.md §2 ⑰; 细则第四章)."""
    assembly = history.first(15)
    if assembly is None:
        return
    if done_on > add_months(assembly, APPROVAL_MAX_MONTHS):
        _refuse(f"支部党员大会（{assembly:%Y-%m-%d}）后已超过{APPROVAL_MAX_MONTHS}个月，不能再审批：应重新履行接收程序"
                "（rules.md §2 ⑰；细则第四章）", "done_on")
    if done_on > add_months(assembly, APPROVAL_MONTHS) and not note.strip():
        _refuse(f"支部党员大会（{assembly:%Y-%m-%d}）后超过{APPROVAL_MONTHS}个月审批属特殊情况：请在“说明”中写明原因"
                "（rules.md §2 ⑰；细则第四章）", "note")


def check_branch_size(full_members: int, purpose: int) -> None:
    """A branch with fewer than three full members cannot discuss an admission (党章第三十条)."""
    if purpose == 15 and full_members < BRANCH_MIN_FULL_MEMBERS:
        _refuse(f"本支部正式党员仅{full_members}名，不足3名，不能讨论接收预备党员：应由上级党组织调整组织设置"
                "（如成立联合党支部）后进行（党章第三十条）")


def check_entitled(v, roster: int) -> None:
    """Who is entitled to vote is the roster's, not a typed number (细则第二十、二十一条): the
    branch's full members with a vote on the day — not probationary members, not those under 留党察看
    (党章第四十条). Leaving anyone else out of the count needs the level above's consent, recorded."""
    if v.excluded > roster:
        _refuse(f"不计入应到会人数的党员{v.excluded}名，多于名册中有表决权的正式党员{roster}名", "excluded")
    if v.excluded and not v.exclusion_approval.strip():
        _refuse("有党员不计入应到会人数的，须经上级党组织同意：请写明同意的党组织和日期（细则第二十、二十一条）",
                "exclusion_approval")
    expected = roster - v.excluded
    if v.entitled != expected:
        excluded = f"，减去经上级党组织同意不计入的{v.excluded}名" if v.excluded else ""
        _refuse(f"按党员名册，{v.held_on:%Y-%m-%d}本支部有表决权的正式党员{roster}名（不含预备党员和受留党察看处分的党员，"
                f"党章第四十条）{excluded}，应到会人数应为{expected}名，而填写的是{v.entitled}名；如有党员因故不计入，"
                "须经上级党组织同意并登记（细则第二十、二十一条）", "entitled")


def check_vote(v, declared: str) -> None:
    """The tally is consistent, and the resolution recorded is the one the numbers carry: a vote
    that did not pass is never recorded as passed, and one without a quorum is invalid (表决无效,
    to be held again), neither passed nor rejected."""
    problem = vote_problems(v)
    if problem:
        _refuse(problem)
    if declared not in v.RESULTS:
        _refuse("大会决议须为通过、未通过或表决无效", "result")
    if declared == v.result:
        return
    if not v.quorate:
        _refuse(f"到会有表决权的正式党员{v.present}人，未超过应到会{v.entitled}人的半数，表决无效，"
                f"不能登记为{v.RESULTS[declared]}：请登记为“表决无效”，并重新召开支部党员大会表决"
                "（细则第二十、二十一条）", "result")
    if declared == "invalid":
        _refuse(f"到会有表决权的正式党员{v.present}人，已超过应到会{v.entitled}人的半数，表决有效，"
                "请按票数登记通过或未通过", "result")
    if declared == "passed":
        _refuse(f"赞成票{v.yes}票，未超过应到会有表决权正式党员{v.entitled}人的半数，表决未通过，"
                "不能登记为通过（细则第二十、二十一条）", "result")
    _refuse("按票数表决已通过，请核对表决结果", "result")


def check_notice(case, history: History, number: int, done_on: date) -> None:
    """Local: a public notice of ≥ 5 working days ended before the decision, with every
    objection resolved."""
    if number not in local(case.org, "recruitment_notice_before"):
        return
    minimum = local(case.org, "recruitment_notice_workdays")
    notice = history.latest_notice(number)
    what = f"{step_label(number)}前须经不少于{minimum}个工作日的公示（本地规定，rules.md §2）"
    if notice is None:
        _refuse(f"{what}，尚未公示")
    if notice.ends_on >= done_on:
        _refuse(f"{what}，公示至 {notice.ends_on:%Y-%m-%d} 尚未结束", "done_on")
    if notice.workdays < minimum:
        _refuse(f"{what}，该次公示仅{notice.workdays}个工作日")


def check_objections(history: History) -> None:
    if history.unresolved:
        first = history.unresolved[0]
        _refuse(f"公示期间反映的问题尚未核查办结（{first.received_on:%Y-%m-%d} 收到），办结前不能进行下一步")


def check_notice_length(org, starts_on: date, ends_on: date) -> int:
    """The notice's working days, refusing one shorter than the local minimum."""
    if ends_on < starts_on:
        _refuse("公示结束日期不能早于开始日期", "ends_on")
    if (ends_on - starts_on).days > workdays.MAX_SPAN_DAYS:  # the calendar counts no further
        _refuse(f"公示期不能超过 {workdays.MAX_SPAN_DAYS} 天，请检查开始和结束日期", "ends_on")
    count = workdays.workdays_between(starts_on, ends_on)
    minimum = local(org, "recruitment_notice_workdays")
    if count < minimum:
        note = workdays.missing_note(starts_on, ends_on)
        _refuse(f"公示期不少于{minimum}个工作日（本地规定，rules.md §2）：{starts_on:%Y-%m-%d} 至 "
                f"{ends_on:%Y-%m-%d} 只有{count}个工作日，最早可于 "
                f"{workdays.add_workdays(starts_on - timedelta(days=1), minimum):%Y-%m-%d} 结束"
                + (f"（{note}）" if note else ""), "ends_on")
    return count


def check_step(case, history: History, number: int, done_on: date, *, today: date) -> None:
    """Every precondition of one step, rule-specific checks first so the message names the rule
    that is broken (not merely the step that is missing)."""
    check_date(done_on, today)
    if not STEP[number].repeatable and history.done(number):
        _refuse(f"{step_label(number)}已登记（{history.first(number):%Y-%m-%d}），不能重复登记")
    check_status(case, number)
    check_objections(history)
    if number in (12, 13, 14, 15, 16, 17):
        check_review_passed(case, history, done_on, fresh=number <= 15)
    if number in (14, 15, 16, 17):
        check_prereview_passed(history)
    if number in (16, 17):
        check_vote_passed(history, 15)
    if number in (23, 24):
        check_probation_ended(case, done_on)
    if number == 24:
        check_vote_passed(history, 23)
    if number == 3:
        check_activist_months(case, history, done_on)
    if number == 7:
        check_candidate_year(history, done_on)
    check_sequence(history, number, done_on)
    check_notice(case, history, number, done_on)


# --- deadlines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    step: int
    warn_on: date  # yellow from this day
    due_on: date  # the last day allowed; red after it
    message: str
    source: str

    def level(self, today: date) -> str:
        if today > self.due_on:
            return RED
        return YELLOW if today >= self.warn_on else GREEN


def deadlines(case, history: History, settings: dict | None = None) -> list[Deadline]:
    """The pending deadlines of an open case (rules.md §2): talk within a month of the application,
    half-yearly assessment, pre-review and assembly (local), approval within 3 months of the
    assembly (6 at most), conversion application before probation ends, conversion approval.
    ``settings``: the local rules already read for the case's org (a bulk writer reads them once);
    by default each is read for the org (``local``)."""

    def local(org, key: str):
        return settings[key] if settings is not None else local_setting(org, key, LOCAL_DEFAULTS)
    found: list[Deadline] = []
    week, fortnight = timedelta(days=7), timedelta(days=14)
    if case.status == "open":
        if not history.done(2):
            due = add_months(case.applied, TALK_MONTHS)
            found.append(Deadline(2, due - week, due, "收到入党申请书后一个月内应派人谈话", "细则第七条"))
        if history.done(3) and not history.done(12):
            last = max(d for d in (history.first(3), history.last(6)) if d)
            due = add_months(last, ASSESSMENT_MONTHS)
            found.append(Deadline(6, due - fortnight, due, "每半年对入党积极分子进行一次考察", "细则第十一条"))
        if history.done(12) and not history.done(13):
            months = local(case.org, "recruitment_prereview_months")
            due = add_months(history.first(12), months)
            found.append(Deadline(13, due - week, due, f"上级党委应在收到报送材料后{months}个月内预审",
                                  "本地规定，rules.md §2"))
        if history.done(13) and not history.latest_vote(15):
            months = local(case.org, "recruitment_assembly_months")
            due = add_months(history.first(13), months)
            found.append(Deadline(15, due - week, due, f"预审合格后{months}个月内召开支部党员大会讨论",
                                  "本地规定，rules.md §2"))
        if history.done(15) and not history.done(17):
            assembly = history.first(15)
            found.append(Deadline(
                17, add_months(assembly, APPROVAL_MONTHS) - fortnight, add_months(assembly, APPROVAL_MAX_MONTHS),
                f"上级党委应在支部党员大会（{assembly:%Y-%m-%d}）后3个月内审批，特殊情况最长不超过6个月",
                "rules.md §2 ⑰；细则第四章"))
    if case.status == "probationary" and case.probation_ends:
        if not history.done(22):
            due = case.probation_ends
            found.append(Deadline(22, due - timedelta(days=30), due, "预备期满前应提出书面转正申请",
                                  "rules.md §2 ㉒；细则第五章"))
        if not history.latest_vote(23):  # "及时讨论" once the probation has ended (细则第五章)
            months = local(case.org, "recruitment_conversion_vote_months")
            due = add_months(case.probation_ends, months)
            found.append(Deadline(23, case.probation_ends, due,
                                  f"预备期满（{case.probation_ends:%Y-%m-%d}）后应及时讨论转正，{months}个月内召开支部党员大会",
                                  "本地规定；细则第五章"))
        if history.done(23) and not history.done(24):
            due = add_months(history.first(23), CONVERSION_APPROVAL_MONTHS)
            found.append(Deadline(24, due - fortnight, due, "上级党委应在支部党员大会讨论转正后3个月内审批",
                                  "rules.md §2 ㉔；细则第五章"))
    return found


def warn_and_due(case, history: History, settings: dict | None = None) -> tuple[date | None, date | None]:
    """The case's first yellow day and first overdue day (stored on the case for the lists)."""
    found = deadlines(case, history, settings)
    if not found:
        return None, None
    return min(d.warn_on for d in found), min(d.due_on for d in found)


def stage_of(history: History) -> int:
    done = [n for n, rows in history.steps.items() if rows]
    return STEP[max(done)].stage if done else 1


def probation_end(admitted: date, extension_months: int | None = None) -> date:
    """One year from the admission assembly (党章第七条), plus an extension."""
    return add_months(admitted, PROBATION_MONTHS + (extension_months or 0))


# --- the rules page (core.registry.Rule) -----------------------------------------------------------

_M = "发展党员"
CATALOG = (
    Rule("recruitment.age", _M, "年满十八岁方可申请入党", "细则第五条"),
    Rule("recruitment.talk", _M, "收到入党申请书后一个月内派人同申请人谈话", "细则第七条"),
    Rule("recruitment.activist_months", _M, "递交入党申请书至确定为入党积极分子的最短时间", "本地规定",
         setting="recruitment_activist_months", default=LOCAL_DEFAULTS["recruitment_activist_months"], unit="个月"),
    Rule("recruitment.mentors", _M, "为入党积极分子指定一至二名正式党员作培养联系人", "细则第九条"),
    Rule("recruitment.assessment", _M, "每半年对入党积极分子进行一次考察", "细则第十一条"),
    Rule("recruitment.candidate_year", _M, "经过一年以上培养教育和考察方可列为发展对象", "细则第十二条"),
    Rule("recruitment.sponsors", _M, "发展对象有两名正式党员作入党介绍人；受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人",
         "细则第十三条"),
    Rule("recruitment.review", _M, "没有进行政治审查或政治审查不合格的，不能发展入党", "细则第十五、十六条"),
    Rule("recruitment.review_valid", _M, "政治审查结论的有效期", "本地规定", setting="recruitment_review_valid_months",
         default=LOCAL_DEFAULTS["recruitment_review_valid_months"], unit="个月"),
    Rule("recruitment.training", _M, f"发展对象集中培训一般不少于{TRAINING_DAYS}天（或不少于{TRAINING_HOURS}个学时）",
         "细则第十七条"),
    Rule("recruitment.any_order", _M, "确定入党介绍人、政治审查、集中培训（第9至11步）先后不限，支部委员会审查前须全部完成",
         "细则第三章"),
    Rule("recruitment.leaving", _M, "3个月内将离开工作、学习单位的，一般不办理接收手续（提醒）", "细则第十九条"),
    Rule("recruitment.prereview", _M, "上级党委预审合格后方可发放入党志愿书", "细则第十九条"),
    Rule("recruitment.prereview_months", _M, "收到支部报送材料后完成预审的期限", "本地规定",
         setting="recruitment_prereview_months", default=LOCAL_DEFAULTS["recruitment_prereview_months"], unit="个月"),
    Rule("recruitment.assembly_months", _M, "预审后召开支部党员大会讨论的期限", "本地规定",
         setting="recruitment_assembly_months", default=LOCAL_DEFAULTS["recruitment_assembly_months"], unit="个月"),
    Rule("recruitment.notice_workdays", _M, "确定入党积极分子、发展对象和接收、转正决定前的公示期（按节假日安排计工作日）",
         "本地规定", setting="recruitment_notice_workdays", default=LOCAL_DEFAULTS["recruitment_notice_workdays"],
         unit="个工作日"),
    Rule("recruitment.branch_size", _M, f"正式党员不足{BRANCH_MIN_FULL_MEMBERS}名的党支部不能讨论接收预备党员", "党章第三十条"),
    Rule("recruitment.entitled", _M, "应到会有表决权的正式党员按党员名册计算：不含预备党员和受留党察看处分的党员；"
         "其他党员不计入须经上级党组织同意并登记", "细则第二十、二十一条；党章第四十条"),
    Rule("recruitment.quorum", _M, "到会有表决权的正式党员超过应到会人数的半数，表决方为有效；否则表决无效，须重新表决",
         "细则第二十、二十一条"),
    Rule("recruitment.majority", _M, "赞成票超过应到会有表决权正式党员的半数（书面意见计入）方为通过", "细则第二十、二十一条"),
    Rule("recruitment.approver", _M, "接收、转正、延长预备期和取消预备党员资格由有审批权限的党委审批；"
         "党总支、临时党组织和未经授权的村、社区党委没有审批权限", "细则第四章"),
    Rule("recruitment.community_approval", _M, "村、社区党委经县级以上党委授权可审批发展党员（在区或该党委上设置）",
         "细则第四章；本地授权", setting="recruitment_community_approval",
         default=LOCAL_DEFAULTS["recruitment_community_approval"]),
    Rule("recruitment.approval_time", _M, f"支部党员大会后{APPROVAL_MONTHS}个月内审批；超过{APPROVAL_MONTHS}个月须写明原因，"
         f"超过{APPROVAL_MAX_MONTHS}个月不能审批", "细则第四章"),
    Rule("recruitment.probation", _M, f"预备期为{PROBATION_MONTHS}个月，自支部党员大会通过之日算起", "党章第七条"),
    Rule("recruitment.conversion_vote", _M, "预备期满后及时召开支部党员大会讨论转正", "细则第五章；本地规定",
         setting="recruitment_conversion_vote_months",
         default=LOCAL_DEFAULTS["recruitment_conversion_vote_months"], unit="个月内"),
    Rule("recruitment.extension", _M, "预备期只能延长一次，不少于半年，最长不超过一年", "党章第七条"),
    Rule("recruitment.probation_decision", _M, "延长预备期或取消预备党员资格，须经支部党员大会讨论、上级党委批准", "细则第三十二条"),
    Rule("recruitment.temporary", _M, "临时党支部不发展党员", "《支部工作条例》第九条"),
)
