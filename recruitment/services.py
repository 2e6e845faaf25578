"""Recruitment workflows (rules.md §2): open a case (step ①), record a step, the political
review, the pre-review, a vote, a public notice and its objections, extension, cancellation,
closing, and the annual plan.

Each is one transaction: the case row is locked (``select_for_update``), its history read inside
the lock, every rule checked before anything is written, then the rows, the case's derived fields
(stage, dates, deadlines), the member's archive where the step touches it, and one audit entry.
So of two simultaneous approvals exactly one wins: the second finds step ⑰ recorded."""

from datetime import date, datetime, time
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.access import get_scope
from core.crypto import get_provider
from core.errors import NotFound
from members import services as member_services
from members.models import Member, MemberStatus
from orgs.models import BRANCH_KINDS, TEMPORARY_BRANCH_RULE, Org, OrgKind
from portal.models import Channel
from portal.services import publish_notice
from recruitment import rules, selectors
from recruitment import summaries as case_steps
from recruitment.models import (
    EARMARKED,
    Case,
    CaseStatus,
    Category,
    Notice,
    Objection,
    Person,
    Plan,
    PreReview,
    Quota,
    Review,
    Step,
    Vote,
)

CHANGE, APPROVE = "recruitment.change", "recruitment.approve"
T = TypeVar("T")


def _today() -> date:
    return timezone.localdate()


def _known(value: T | None, what: str) -> T:
    """A date or member that the checks before have made sure of (the step done, the case
    approved): a case whose rows say otherwise is refused, never half written."""
    if value is None:
        raise ValidationError(f"该发展对象的记录缺少{what}，请核对")
    return value


def _member(case: Case) -> Member:
    return _known(case.member, "党员档案（上级党委批准为预备党员后建立）")


def _require(actor, org: Org, perm: str = CHANGE) -> None:
    """Out of scope is 404; in scope without the right, a refusal that says why."""
    scope = get_scope(actor)
    if not scope.covers(org.path, "recruitment.view"):
        raise NotFound
    if not scope.covers(org.path, perm):
        raise PermissionDenied("您无权办理该发展党员事项")


def _require_upper(actor, org: Org, what: str, article: str) -> None:
    """Upper-committee steps need recruitment.approve on an org strictly above the branch: a
    branch may not approve its own admissions."""
    scope = get_scope(actor)
    if not scope.covers(org.path, "recruitment.view"):
        raise NotFound
    if not scope.covers_above(org.path, APPROVE):
        raise PermissionDenied(f"{what}须由上级党委办理（{article}），党支部不能自行办理")


def _require_approver(actor, org: Org, what: str) -> Org:
    """Approvals (⑰ admission, ㉔ conversion, extending or cancelling probation) are the approving
    committee's (selectors.approving_org): recruitment.approve on it or above, not merely on some
    org above the branch — a general branch or an ungranted community committee does not approve."""
    scope = get_scope(actor)
    if not scope.covers(org.path, "recruitment.view"):
        raise NotFound
    approver = selectors.approving_org(org)
    if not scope.covers(approver.path, APPROVE):
        if scope.covers_above(org.path, APPROVE):
            raise PermissionDenied(f"{what}须由有审批权限的党委审批，本支部的审批党委为“{approver.name}”（{rules.APPROVAL_SOURCE}）")
        raise PermissionDenied(f"{what}须由上级党委审批，党支部不能自行办理（{rules.APPROVAL_SOURCE}）")
    return approver


def _require_step(actor, case: Case, number: int) -> None:
    if number in rules.APPROVAL_STEPS:
        _require_approver(actor, case.org, rules.step_label(number))
    elif number in rules.UPPER_STEPS:
        _require_upper(actor, case.org, rules.step_label(number), rules.STEP[number].article)
    else:
        _require(actor, case.org)


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("org", "member").get(pk=case.pk)


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def _refresh(case: Case, hist: rules.History | None = None) -> None:
    """The case's derived fields from its history: stage, last step, first yellow and red days."""
    hist = hist or selectors.history(case)
    case.stage = rules.stage_of(hist)
    case.last_step = max((n for n, rows in hist.steps.items() if rows), default=1)
    case.warn_on, case.due_on = rules.warn_and_due(case, hist)
    before = case_steps.stored_place(case)
    case.save()
    case_steps.moved(before, case_steps.place(case))  # the summary, in the same transaction


def _add_step(actor, case: Case, number: int, done_on: date, responsible="", documents="", note="",
              **extra) -> Step:
    return Step.objects.create(case=case, org=case.org, number=number, done_on=done_on,
                               responsible=_text(responsible, 100), documents=_text(documents, 300),
                               note=_text(note, 500), recorded_by=actor, **extra)


def _audit(action: str, case: Case, actor, **changes) -> None:
    audit.record(f"recruitment.{action}", obj=case, user=actor, changes=changes)


# --- ① the case ----------------------------------------------------------------------------------


def case_create(*, actor, org: Org, name: str, id_number: str, applied: date, phone: str = "",
                education: str = "", occupation: str = "", work_unit: str = "",
                category: str = Category.OTHER, responsible: str = "", documents: str = "",
                note: str = "") -> Case:
    """Step ①: the written application received by a branch opens the case."""
    _require(actor, org)
    if org.kind == OrgKind.TEMPORARY_BRANCH:
        raise ValidationError({"org": f"“{org.name}”是临时党支部：{TEMPORARY_BRANCH_RULE}"})
    if org.kind not in BRANCH_KINDS:
        raise ValidationError({"org": f"入党申请由党支部受理，“{org.name}”是{org.get_kind_display()}"})
    name = _text(name, 50)
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    if category not in Category.values:
        raise ValidationError({"category": "请选择人员类别"})
    case = Case(org=org, name=name, applied=applied, education=education or "",
                occupation=_text(occupation, 50), work_unit=_text(work_unit, 100), category=category)
    try:
        case.set_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    try:
        case.set_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    rules.check_date(applied, _today(), "applied")
    rules.check_age(case.birth_date, applied)
    if Member.objects.filter(id_number_index=case.id_number_index).exists():
        raise ValidationError({"id_number": "该身份证号已登记为党员"})
    if Case.objects.filter(id_number_index=case.id_number_index).exclude(
            status__in=(CaseStatus.CLOSED, CaseStatus.CANCELLED)).exists():
        raise ValidationError({"id_number": "此人已有进行中的发展党员记录，一人只建一份"})
    try:
        with transaction.atomic():
            case.save()
            case_steps.moved(None, case_steps.place(case))
            _add_step(actor, case, 1, applied, responsible, documents, note)
            _refresh(case)
            _audit("create", case, actor, after=case.audit_snapshot())
    except IntegrityError as exc:
        raise ValidationError({"id_number": "此人已有进行中的发展党员记录，一人只建一份"}) from exc
    return case


# --- the steps -----------------------------------------------------------------------------------


def step_record(*, actor, case: Case, number: int, done_on: date, responsible: str = "", documents: str = "",
                note: str = "", people: list[Member] | tuple = (), training_days: int | None = None,
                training_hours: int | None = None, group: Org | None = None, leaving_on: date | None = None) -> Step:
    """Record one step done. Steps with their own record go through ``review_record`` (⑩),
    ``prereview_record`` (⑬) and ``vote_record`` (⑮ ㉓); ① opens the case (``case_create``)."""
    if number not in rules.STEP or number == 1:
        raise ValidationError({"number": "步骤编号须为2至25（第1步为建立发展党员记录）"})
    form = rules.STEP[number].form
    if form:
        label = {"review": "政治审查", "prereview": "预审", "vote": "支部党员大会表决"}[form]
        raise ValidationError({"number": f"{rules.step_label(number)}请通过“{label}”登记"})
    if leaving_on is not None and number != 12:
        raise ValidationError({"leaving_on": "预计离开单位日期随第12步“支部委员会审查”登记"})
    if leaving_on is not None and leaving_on < done_on:
        raise ValidationError({"leaving_on": "预计离开单位日期不能早于审查日期"})
    people = list(people)
    with transaction.atomic():
        case = _locked(case)
        _require_step(actor, case, number)
        hist = selectors.history(case)
        rules.check_step(case, hist, number, done_on, today=_today())
        if number in (5, 9):
            rules.check_people(number, people, selectors.observed(people, done_on))
        if number == 11:
            rules.check_training(training_days, training_hours)
        if number == 17:
            rules.check_approval_time(hist, done_on, note)
        if number == 19 and group is not None and not (
                group.kind == "group" and group.path.startswith(case.org.path) and group.depth == case.org.depth + 1):
            raise ValidationError({"group": f"党小组须是“{case.org.name}”下设的党小组"})
        step = _add_step(actor, case, number, done_on, responsible, documents, note,
                         training_days=training_days if number == 11 else None,
                         training_hours=training_hours if number == 11 else None)
        role = {5: Person.Role.MENTOR, 9: Person.Role.SPONSOR}.get(number)
        if role is not None:
            for member in people:
                Person.objects.create(case=case, step=step, role=role, member=member)
        hist.steps.setdefault(number, []).append(step)
        if number == 12:
            case.leaving_on = leaving_on
        _after_step(actor, case, number, step, hist, group=group)
        _refresh(case, hist)
        _audit("step", case, actor, number=number, label=rules.STEP[number].label, done_on=done_on.isoformat(),
               people=[m.name for m in people], status=case.status,
               **({"leaving_on": leaving_on.isoformat()} if leaving_on else {}))
    return step


def _after_step(actor, case: Case, number: int, step: Step, hist: rules.History, *, group) -> None:
    """What a step changes beyond its own row: the archive on approval, conversion, placement."""
    if number == 17:
        _approve(actor, case, step, hist)
    elif number == 24:
        case.status, case.converted = CaseStatus.FULL, case.probation_ends
        member_services.member_update(actor=actor, member=_member(case),
                                      changes={"status": MemberStatus.FULL, "converted": case.probation_ends})
        _event(actor, case, step, f"上级党委批准转为正式党员，转正日期 {case.probation_ends:%Y-%m-%d}（党龄自此日起算）")
    elif number == 25:
        case.status = CaseStatus.ARCHIVED
        _event(actor, case, step, "发展党员材料归档")
    elif number == 19 and group is not None:
        member_services.member_update(actor=actor, member=_member(case), changes={"group": group})
        _event(actor, case, step, f"编入{group.name}")
    elif number >= 18:
        _event(actor, case, step, rules.STEP[number].label)


def _event(actor, case: Case, step: Step, summary: str) -> None:
    member_services.record_event(member=_member(case), kind="recruitment", actor=actor, occurred=step.done_on,
                                 summary=f"{summary}（{rules.STEP[step.number].circled}）")


def _approve(actor, case: Case, step: Step, hist: rules.History) -> None:
    """Step ⑰: the person becomes a probationary member in the branch, joined on the admission
    assembly's date, probation for one year from it; the archive's timeline gets the history."""
    admitted = _known(hist.first(15), rules.step_label(15))
    member = member_services.member_create(actor=actor, org=case.org, name=case.name,
                                           id_number=case.get_id_number(), status=MemberStatus.PROBATIONARY,
                                           joined=admitted)
    archive = {"applied": case.applied, "education": case.education, "occupation": case.occupation,
               "work_unit": case.work_unit}
    if case.phone_cipher:
        archive["phone"] = get_provider().decrypt(case.phone_cipher)
    member = member_services.member_update(actor=actor, member=member,
                                           changes={k: v for k, v in archive.items() if v})
    case.member, case.status, case.admitted, case.approved = member, CaseStatus.PROBATIONARY, admitted, step.done_on
    case.probation_ends = rules.probation_end(admitted)
    for number, summary in ((1, "递交入党申请书"), (3, "确定为入党积极分子"), (7, "列为发展对象"),
                            (15, "支部党员大会讨论通过接收为预备党员")):
        member_services.record_event(member=member, kind="recruitment", actor=actor, occurred=hist.first(number),
                                     summary=f"{summary}（{rules.STEP[number].circled}）")
    _event(actor, case, step, f"上级党委批准为预备党员，预备期至 {case.probation_ends:%Y-%m-%d}")


# --- ⑩ political review, ⑬ pre-review ------------------------------------------------------------


def review_record(*, actor, case: Case, methods: str, findings: str, conclusion: str, concluded_on: date,
                  responsible: str = "", documents: str = "", note: str = "") -> Review:
    """Step ⑩. A failed review ends the case ("首关不过、余关莫论"; 细则第十六条). A later review
    (the earlier one expired) adds a row; the step keeps its first date."""
    methods, findings = _text(methods, 200), (findings or "").strip()
    if not methods:
        raise ValidationError({"methods": "请填写审查方法（如谈话、函调、外调、查阅档案）"})
    if not findings:
        raise ValidationError({"findings": "请填写审查情况"})
    if conclusion not in Review.Conclusion.values:
        raise ValidationError({"conclusion": "请选择审查结论"})
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.org)
        hist = selectors.history(case)
        rules.check_date(concluded_on, _today(), "concluded_on")
        rules.check_status(case, 10)
        rules.check_objections(hist)
        if hist.done(10):
            if hist.done(17):
                raise ValidationError("已审批为预备党员，不再进行政治审查")
        else:
            rules.check_sequence(hist, 10, concluded_on)
        review = Review.objects.create(case=case, methods=methods, findings=findings, conclusion=conclusion,
                                       concluded_on=concluded_on)
        if not hist.done(10):
            hist.steps[10] = [_add_step(actor, case, 10, concluded_on, responsible, documents, note)]
        if conclusion == Review.Conclusion.FAILED:
            case.status, case.closed = CaseStatus.CLOSED, concluded_on
            case.close_reason = "政治审查不合格，不能发展入党（细则第十六条）"
        _refresh(case, hist)
        _audit("review", case, actor, conclusion=conclusion, concluded_on=concluded_on.isoformat(),
               methods=methods, status=case.status)
    return review


def prereview_record(*, actor, case: Case, received_on: date, reviewed_on: date, result: str, opinion: str,
                     responsible: str = "", documents: str = "", note: str = "") -> PreReview:
    """Step ⑬, by the upper committee, with its written result. A failed pre-review is kept and the
    branch may submit again; only a passed one completes the step (细则第十九条)."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": "请填写预审意见"})
    if result not in PreReview.Result.values:
        raise ValidationError({"result": "请选择预审结果"})
    if reviewed_on < received_on:
        raise ValidationError({"reviewed_on": "预审日期不能早于收到材料的日期"})
    with transaction.atomic():
        case = _locked(case)
        _require_upper(actor, case.org, rules.step_label(13), rules.STEP[13].article)
        hist = selectors.history(case)
        rules.check_step(case, hist, 13, reviewed_on, today=_today())
        if received_on < _known(hist.first(12), rules.step_label(12)):
            raise ValidationError({"received_on": "收到材料的日期不能早于支部委员会审查的日期"})
        prereview = PreReview.objects.create(case=case, received_on=received_on, reviewed_on=reviewed_on,
                                             result=result, opinion=opinion)
        if result == PreReview.Result.PASSED:
            hist.steps[13] = [_add_step(actor, case, 13, reviewed_on, responsible, documents, note)]
        hist.prereviews.insert(0, prereview)
        _refresh(case, hist)
        _audit("prereview", case, actor, result=result, reviewed_on=reviewed_on.isoformat())
    return prereview


# --- ⑮ ㉓ the vote --------------------------------------------------------------------------------


def vote_record(*, actor, case: Case, purpose: int, held_on: date, entitled: int, present: int,
                written_opinions: int, ballots_issued: int, ballots_returned: int, yes: int, no: int,
                abstain: int, result: str, excluded: int = 0, exclusion_approval: str = "",
                responsible: str = "", documents: str = "", note: str = "") -> Vote:
    """The branch assembly's vote on admission (⑮) or conversion (㉓): the tally, never a person's
    vote. ``result`` is the resolution as the assembly declared it; one that the numbers do not
    carry is refused, and so is an entitled count that is not the roster's (less the members the
    level above agreed to leave out). A vote that did not pass, or was invalid for want of a quorum,
    is kept and the step stays open."""
    if purpose not in Vote.Purpose.values:
        raise ValidationError({"purpose": "表决事项须为接收预备党员（⑮）或转正（㉓）"})
    vote = Vote(purpose=purpose, held_on=held_on, entitled=entitled, present=present,
                written_opinions=written_opinions, ballots_issued=ballots_issued,
                ballots_returned=ballots_returned, yes=yes, no=no, abstain=abstain, excluded=excluded,
                exclusion_approval=exclusion_approval.strip())
    rules.check_vote(vote, result)
    vote.passed = vote.compute_passed()
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.org)
        hist = selectors.history(case)
        rules.check_step(case, hist, purpose, held_on, today=_today())
        rules.check_branch_size(selectors.full_members(case), purpose)
        vote.roster = selectors.entitled_voters(case, held_on)
        rules.check_entitled(vote, vote.roster)
        if purpose == 23 and not hist.done(22):
            raise ValidationError("请先登记第22步“提出转正申请”")
        vote.case = case
        vote.save()
        hist.votes.insert(0, vote)
        if vote.passed:
            hist.steps[purpose] = [_add_step(actor, case, purpose, held_on, responsible, documents, note)]
        _refresh(case, hist)
        _audit("vote", case, actor, purpose=purpose, held_on=held_on.isoformat(), entitled=entitled,
               present=present, written_opinions=written_opinions, ballots_issued=ballots_issued,
               ballots_returned=ballots_returned, yes=yes, no=no, abstain=abstain, passed=vote.passed,
               result=vote.result, roster=vote.roster, excluded=excluded, exclusion_approval=vote.exclusion_approval)
    return vote


# --- public notices --------------------------------------------------------------------------------


def notice_publish(*, actor, case: Case, kind: int, starts_on: date, ends_on: date) -> Notice:
    """A public notice before the activist (③), candidate (⑦), admission (⑰) or conversion (㉔)
    decision, counted in working days by the holiday calendar (local minimum, default 5)."""
    if kind not in Notice.Kind.values:
        raise ValidationError({"kind": "请选择公示事项"})
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.org)
        hist = selectors.history(case)
        count = rules.check_notice_length(case.org, starts_on, ends_on)
        if not case.is_open:
            raise ValidationError(f"该发展党员当前状态为“{case.get_status_display()}”，不能公示")
        if hist.done(kind):
            raise ValidationError({"kind": f"{rules.step_label(kind)}已完成，无需再公示"})
        after = rules.NOTICE_AFTER[kind]
        if not hist.done(after):
            raise ValidationError({"kind": f"请先完成{rules.step_label(after)}，再进行{Notice.Kind(kind).label}"})
        if starts_on < _known(hist.last(after), rules.step_label(after)):
            raise ValidationError({"starts_on": f"公示开始日期不能早于{rules.step_label(after)}的日期"})
        current = hist.latest_notice(kind)
        if current is not None and current.ends_on >= starts_on:
            raise ValidationError({"starts_on": f"已有一次{Notice.Kind(kind).label}至 {current.ends_on:%Y-%m-%d}"})
        notice = Notice.objects.create(case=case, org=case.org, kind=kind, starts_on=starts_on, ends_on=ends_on,
                                       workdays=count, published_by=actor)
        _audit("notice", case, actor, kind=kind, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(),
               workdays=count)
        _publish_on_portal(notice, case, actor)
    return notice


# What each notice proposes, in the wording of a 公示.
NOTICE_PROPOSALS = {
    Notice.Kind.ACTIVIST: "确定为入党积极分子", Notice.Kind.CANDIDATE: "列为发展对象",
    Notice.Kind.ADMISSION: "接收为中共预备党员", Notice.Kind.CONVERSION: "按期转为中共正式党员",
}
PORTAL_CHANNEL = "disclosure"  # the portal's 党务公开 channel


def _publish_on_portal(notice: Notice, case: Case, actor) -> None:
    """The notice also goes to the portal's party affairs disclosure (党务公开), where the public
    reads it, listed from its first to its last day — when the portal has that channel (a
    deployment creates it; the demo does). Name, branch, what is proposed and the dates only;
    the recruitment public board (公示栏) shows the same either way."""
    if not Channel.objects.filter(code=PORTAL_CHANNEL).exists():
        return
    proposal = NOTICE_PROPOSALS[Notice.Kind(notice.kind)]
    publish_notice(
        channel_code=PORTAL_CHANNEL, external_key=f"recruit:notice:{notice.pk}", actor=actor,
        title=f"关于{case.name}同志拟{proposal}的公示", starts_on=notice.starts_on, ends_on=notice.ends_on,
        source_label=case.org.name,
        # Dated on its first day, like a notice on a board (a notice recorded afterwards is not
        # dated the day it was typed in; one starting later waits for its day).
        publish_at=timezone.make_aware(datetime.combine(notice.starts_on, time.min)),
        body_text=(f"经{case.org.name}研究，拟将{case.name}同志{proposal}，现予公示。\n"
                   f"公示时间：{notice.starts_on:%Y年%m月%d日}至{notice.ends_on:%Y年%m月%d日}（{notice.workdays}个工作日）。\n"
                   f"公示期间，党员和群众可通过来信、来电、来访等方式向{case.org.name}或上级党组织反映情况和意见。"),
    )


def objection_add(*, actor, notice: Notice, received_on: date, text: str) -> Objection:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写反映的问题"})
    with transaction.atomic():
        case = _locked(notice.case)
        _require(actor, case.org)
        rules.check_date(received_on, _today(), "received_on")
        if received_on < notice.starts_on:
            raise ValidationError({"received_on": "收到日期不能早于公示开始日期"})
        objection = Objection.objects.create(notice=notice, case=case, received_on=received_on, text=text[:2000])
        _refresh(case)
        _audit("objection", case, actor, notice=notice.pk, received_on=received_on.isoformat())
    return objection


def objection_resolve(*, actor, objection: Objection, resolution: str, resolved_on: date) -> Objection:
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写核查处理结果"})
    with transaction.atomic():
        case = _locked(objection.case)
        _require(actor, case.org)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.resolved_on:
            raise ValidationError("该问题已办结")
        rules.check_date(resolved_on, _today(), "resolved_on")
        if resolved_on < objection.received_on:
            raise ValidationError({"resolved_on": "办结日期不能早于收到日期"})
        objection.resolution, objection.resolved_on = resolution[:2000], resolved_on
        objection.save()
        _audit("objection_resolve", case, actor, objection=objection.pk, resolved_on=resolved_on.isoformat())
    return objection


# --- outcomes of probation, and closing ------------------------------------------------------------


def case_extend(*, actor, case: Case, months: int, assembly_on: date, decided_on: date, note: str = "") -> Case:
    """Probation extended once, by 6 to 12 months (党章第七条): discussed by the branch assembly
    when the probation ends (``assembly_on``), approved by the approving committee (``decided_on``;
    细则第三十二条)."""
    with transaction.atomic():
        case = _locked(case)
        approver = _require_approver(actor, case.org, "延长预备期")
        rules.check_date(decided_on, _today(), "decided_on")
        rules.check_extension(case, months, decided_on)
        rules.check_probation_ended(case, assembly_on)
        rules.check_probation_decision(case, assembly_on, decided_on)
        if selectors.history(case).done(23):
            raise ValidationError("支部党员大会已通过转正，不能再延长预备期")
        before = _known(case.probation_ends, "预备期满日期")
        case.extension_months = months
        case.probation_ends = rules.probation_end(_known(case.admitted, "接收为预备党员的日期"), months)
        member_services.record_event(member=_member(case), kind="recruitment", actor=actor, occurred=decided_on,
                                     summary=f"延长预备期{months}个月，至 {case.probation_ends:%Y-%m-%d}（支部党员大会"
                                             f"{assembly_on:%Y-%m-%d}讨论，{approver.name}批准）"
                                             + (f"：{_text(note, 100)}" if note else ""))
        _refresh(case)
        _audit("extend", case, actor, months=months, probation_ends=[before.isoformat(), case.probation_ends.isoformat()],
               assembly_on=assembly_on.isoformat(), approver=approver.name)
    return case


def case_cancel(*, actor, case: Case, assembly_on: date, decided_on: date, reason: str) -> Case:
    """Probationary membership cancelled (取消预备党员资格, 党章第七条): the archive's status says
    so (``MemberStatus.CANCELLED``, no longer active), the reason on the timeline."""
    reason = _text(reason, 200)
    if not reason:
        raise ValidationError({"reason": "请填写取消预备党员资格的原因"})
    with transaction.atomic():
        case = _locked(case)
        approver = _require_approver(actor, case.org, "取消预备党员资格")
        rules.check_date(decided_on, _today(), "decided_on")
        rules.check_probation_decision(case, assembly_on, decided_on)
        if case.status != CaseStatus.PROBATIONARY:
            raise ValidationError(f"只有预备党员可以取消预备党员资格，当前状态为“{case.get_status_display()}”")
        member_services.member_update(actor=actor, member=_member(case), changes={"status": MemberStatus.CANCELLED})
        member_services.record_event(member=_member(case), kind="recruitment", actor=actor, occurred=decided_on,
                                     summary=f"取消预备党员资格（支部党员大会{assembly_on:%Y-%m-%d}讨论，"
                                             f"{approver.name}批准）：{reason}")
        case.status, case.closed, case.close_reason = CaseStatus.CANCELLED, decided_on, reason
        _refresh(case)
        _audit("cancel", case, actor, reason=reason, decided_on=decided_on.isoformat(),
               assembly_on=assembly_on.isoformat(), approver=approver.name)
    return case


def case_close(*, actor, case: Case, closed_on: date, reason: str) -> Case:
    """End a case before admission (the applicant withdrew, left the unit, …)."""
    reason = _text(reason, 200)
    if not reason:
        raise ValidationError({"reason": "请填写终止原因"})
    with transaction.atomic():
        case = _locked(case)
        _require(actor, case.org)
        rules.check_date(closed_on, _today(), "closed_on")
        if case.status != CaseStatus.OPEN:
            raise ValidationError(f"只能终止尚未审批的发展党员记录，当前状态为“{case.get_status_display()}”")
        if closed_on < case.applied:
            raise ValidationError({"closed_on": "终止日期不能早于申请日期"})
        case.status, case.closed, case.close_reason = CaseStatus.CLOSED, closed_on, reason
        _refresh(case)
        _audit("close", case, actor, reason=reason, closed_on=closed_on.isoformat())
    return case


# --- the annual plan ---------------------------------------------------------------------------------


def plan_save(*, actor, org: Org, year: int, total: int, quotas: dict[str, int], note: str = "") -> Plan:
    """A committee's yearly plan with earmarked quotas (rules.md §2 年度计划); saving again
    replaces the figures."""
    _require(actor, org)
    if org.kind not in selectors.COMMITTEE_KINDS:
        raise ValidationError({"org": f"年度发展党员计划由党委（党工委）制定，“{org.name}”是{org.get_kind_display()}"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度不正确"})
    if total < 0 or any(v is None or v < 0 for v in quotas.values()):
        raise ValidationError({"total": "名额不能为负数"})
    unknown = set(quotas) - {c.value for c in EARMARKED}
    if unknown:
        raise ValidationError({"quotas": f"单列计划类别不正确：{sorted(unknown)[0]}"})
    if sum(quotas.values()) > total:
        raise ValidationError({"total": f"单列计划合计{sum(quotas.values())}名，超过计划发展总数{total}名"})
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(org=org, year=year).first()
        before = {"total": plan.total, **{q.category: q.quota for q in plan.quotas.all()}} if plan else None
        plan = plan or Plan(org=org, year=year)
        plan.total, plan.note = total, _text(note, 200)
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError as exc:
            raise ValidationError({"year": f"{org.name}{year}年的计划已由他人同时保存，请刷新后重试"}) from exc
        plan.quotas.all().delete()
        Quota.objects.bulk_create([Quota(plan=plan, category=c, quota=n) for c, n in quotas.items() if n])
        audit.record("recruitment.plan", obj=plan, user=actor,
                     changes={"before": before, "after": {"total": total, **quotas}})
    return plan
