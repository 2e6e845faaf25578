"""Organizational-life workflows: record a meeting, its attendance and attachments, sign in by QR
code, submit for review, approve or return (纪实报告检查), resubmit; propose and vote for lecture
topics (点题党课) and schedule a lecture on one.

Each is keyword-only, validates before writing, runs in one transaction with an audit entry, and
locks the rows two people may race for (``select_for_update``; the unique constraints back every
"only once"). Out of scope is 404 (core.errors.NotFound); a broken rule is a ValidationError in Chinese that
names it; the wrong role on a visible record is PermissionDenied."""

import secrets
from datetime import date, datetime, time, timedelta
from typing import TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core import audit, files
from core.access import get_scope
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member, MemberStatus
from members.services import record_event
from notifications.models import Kind
from notifications.services import notify, org_officers
from orglife import copydetect, rules
from orglife import summaries as meeting_months
from orglife.models import (
    Attachment,
    Attendance,
    AttendanceStatus,
    CopyFlag,
    Meeting,
    MeetingKind,
    MeetingState,
    ReviewDecision,
    ReviewRound,
    SignInHow,
    Topic,
    TopicState,
    TopicVote,
)
from orgs.models import BRANCH_KINDS, LeadershipTerm, Org, OrgKind

CHANGE, REVIEW = "orglife.change", "orglife.review"
ATTACHMENT_KINDS = {"pdf", "png", "jpeg"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MIN_MINUTES = 10  # characters: a record needs more than a title
FUTURE_LIMIT = timedelta(days=366)
TEXT_FIELDS = {  # field: (label, max length, required)
    "place": ("地点", 100, True), "host": ("主持人", 50, True), "recorder": ("记录人", 50, True),
    "topic": ("主题", 200, True), "minutes": ("会议记录", 20000, False), "decisions": ("决定事项", 5000, False),
    "lecturer": ("授课人", 50, False), "lecturer_unit": ("授课人单位", 100, False),
}
LECTURE_FIELDS = ("lecturer", "lecturer_unit", "lecturer_member", "by_secretary", "travelling", "requested_topic")
EDIT_FIELDS = ("kind", "also_kind", "held_on", "start_time", *TEXT_FIELDS, "lecturer_member", "by_secretary",
               "travelling", "signin_opens", "signin_closes")


# --- scope and membership -------------------------------------------------------------------------


def _require_change(actor, org: Org) -> None:
    """Out of scope is 404: the user may not know the org exists."""
    if not get_scope(actor).covers(org.path, CHANGE):
        raise NotFound


def _require_visible(actor, meeting: Meeting) -> None:
    if not Meeting.objects.visible_to(actor).filter(pk=meeting.pk).exists():
        raise NotFound


def can_review(actor, meeting: Meeting) -> bool:
    """Reviewing is for a grant with ``orglife.review`` on an org strictly above the meeting's."""
    return get_scope(actor).covers_above(meeting.org.path, REVIEW)


def can_change(actor, meeting: Meeting) -> bool:
    return get_scope(actor).covers(meeting.org.path, CHANGE)


def org_members(org: Org):
    """The active members who belong to the org: a branch's own, or a party group's."""
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    return members.filter(group=org) if org.kind == OrgKind.GROUP else members.filter(org=org)


def full_member_count(org: Org) -> int:
    if org.kind not in BRANCH_KINDS:
        return 0
    return Member.objects.filter(org=org, status=MemberStatus.FULL).count()


def member_of(user) -> Member | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.member_records.filter(status__in=ACTIVE_STATUSES).first()


def belongs_to(member: Member | None, org: Org) -> TypeGuard[Member]:
    return member is not None and member.status in ACTIVE_STATUSES and (
        member.org_id == org.pk or member.group_id == org.pk)


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)


# --- validation ------------------------------------------------------------------------------------


def _clean(data: dict, org: Org, *, today: date) -> dict:
    """Every field of a meeting record checked, before any write; returns the cleaned values."""
    clean = dict(data)
    for field, (label, limit, required) in TEXT_FIELDS.items():
        value = (clean.get(field) or "").strip()
        if required and not value:
            raise ValidationError({field: f"请填写{label}"})
        if len(value) > limit:
            raise ValidationError({field: f"{label}不能超过{limit}个字"})
        clean[field] = value
    full_members = full_member_count(org)
    rules.check_kind(org, clean["kind"], full_members)
    clean["also_kind"] = clean.get("also_kind") or ""
    rules.check_also(org, clean["kind"], clean["also_kind"], full_members)
    held_on = clean["held_on"]
    if held_on < org.founded:
        raise ValidationError({"held_on": f"会议日期不能早于党组织成立日期（{org.founded:%Y-%m-%d}）"})
    if held_on > today + FUTURE_LIMIT:
        raise ValidationError({"held_on": "会议日期不能晚于一年以后"})
    clean["start_time"] = clean.get("start_time") or time(9, 0)
    if clean["kind"] != MeetingKind.LECTURE:
        if any(clean.get(f) for f in ("travelling", "by_secretary", "lecturer", "lecturer_member", "requested_topic")):
            raise ValidationError({"kind": "授课人、书记讲党课、流动党课和点题只适用于党课"})
    lecturer_member = clean.get("lecturer_member")
    if lecturer_member is not None and lecturer_member.status not in ACTIVE_STATUSES:
        raise ValidationError({"lecturer_member": "授课党员须为正式党员或预备党员"})
    if lecturer_member is not None and not clean["lecturer"]:
        clean["lecturer"] = lecturer_member.name
    if clean.get("travelling") and not (clean["lecturer"] and clean["lecturer_unit"]):
        raise ValidationError({"lecturer_unit": "流动党课请填写授课人及其单位（如区委党校）"})
    topic = clean.get("requested_topic")
    if topic is not None and topic.org_id != org.pk:
        raise ValidationError({"requested_topic": "点题须是本党支部党员提出的题目"})
    opens, closes = clean.get("signin_opens"), clean.get("signin_closes")
    if (opens is None) != (closes is None):
        raise ValidationError({"signin_closes": "请同时填写签到开始和截止时间"})
    if opens is None or closes is None:  # both or neither, checked above
        starts = timezone.make_aware(datetime.combine(held_on, clean["start_time"]))
        opens, closes = starts - timedelta(minutes=30), starts + timedelta(hours=2)
    if closes <= opens:
        raise ValidationError({"signin_closes": "签到截止时间须晚于开始时间"})
    clean["signin_opens"], clean["signin_closes"] = opens, closes
    return clean


def _check_attendees(org: Org, members) -> list[Member]:
    members = list(members or [])
    eligible = set(org_members(org).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
    strangers = [m.name for m in members if m.pk not in eligible]
    if strangers:
        raise ValidationError({"attendees": f"出席人员须是本组织的党员：{'、'.join(strangers[:5])}不是"})
    return members


# --- meetings --------------------------------------------------------------------------------------


def meeting_create(*, actor, org: Org, kind: str, held_on: date, place: str, host: str, recorder: str,
                   topic: str, start_time: time | None = None, minutes: str = "", decisions: str = "",
                   attendees=(), lecturer: str = "", lecturer_unit: str = "", lecturer_member: Member | None = None,
                   by_secretary: bool = False, travelling: bool = False, requested_topic: Topic | None = None,
                   signin_opens: datetime | None = None, signin_closes: datetime | None = None,
                   also_kind: str = "") -> Meeting:
    """A branch (or party group) records a meeting; the attendees chosen are marked present. A
    combined meeting names the kind it also counts as (``also_kind``, rules.COMBINED)."""
    _require_change(actor, org)
    data = _clean({
        "kind": kind, "held_on": held_on, "start_time": start_time, "place": place, "host": host,
        "recorder": recorder, "topic": topic, "minutes": minutes, "decisions": decisions, "lecturer": lecturer,
        "lecturer_unit": lecturer_unit, "lecturer_member": lecturer_member, "by_secretary": by_secretary,
        "travelling": travelling, "requested_topic": requested_topic, "signin_opens": signin_opens,
        "signin_closes": signin_closes, "also_kind": also_kind,
    }, org, today=timezone.localdate())
    present = _check_attendees(org, attendees)
    with transaction.atomic():
        meeting = Meeting.objects.create(org=org, created_by=actor, signin_token=secrets.token_urlsafe(16), **data)
        meeting_months.moved(None, meeting_months.place(meeting))
        Attendance.objects.bulk_create([
            Attendance(meeting=meeting, member=member, status=AttendanceStatus.PRESENT) for member in present])
        audit.record("orglife.meeting_create", obj=meeting, org=org, user=actor,
                     changes={"after": meeting.audit_snapshot(), "present": len(present)})
    return meeting


def meeting_update(*, actor, meeting: Meeting, **changes) -> Meeting:
    """Correct a draft or a returned record (fields of EDIT_FIELDS)."""
    unknown = set(changes) - set(EDIT_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_change(actor, meeting.org)
        if not meeting.editable:
            raise ValidationError(f"会议记录{meeting.get_state_display()}，不能修改（只有草稿和退回的记录可以修改）")
        before = meeting.audit_snapshot()
        counted_before = meeting_months.place(meeting)
        current = {field: getattr(meeting, field) for field in (*EDIT_FIELDS, "requested_topic")}
        if ("held_on" in changes or "start_time" in changes) and "signin_opens" not in changes:
            current["signin_opens"] = current["signin_closes"] = None  # the window follows the new start
        current.update(changes)
        data = _clean(current, meeting.org, today=timezone.localdate())
        for field, value in data.items():
            setattr(meeting, field, value)
        meeting.save()
        meeting_months.moved(counted_before, meeting_months.place(meeting))
        after = meeting.audit_snapshot()
        audit.record("orglife.meeting_update", obj=meeting, user=actor,
                     changes={k: [before[k], after[k]] for k in after if before.get(k) != after[k]})
    return meeting


def attendance_record(*, actor, meeting: Meeting, entries) -> Meeting:
    """Set who was present, on leave or absent: ``entries`` is (member, status, reason) for each
    member listed; leave and absence need a reason. A QR sign-in is kept when still present."""
    entries = list(entries)
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_change(actor, meeting.org)
        if not meeting.editable:
            raise ValidationError(f"会议记录{meeting.get_state_display()}，不能修改出席情况")
        _check_attendees(meeting.org, [member for member, _status, _reason in entries])
        for member, status, reason in entries:
            if status not in AttendanceStatus.values:
                raise ValidationError({"attendance": f"{member.name}：出席情况不是可选值"})
            if status != AttendanceStatus.PRESENT and not (reason or "").strip():
                raise ValidationError({"attendance": f"{member.name}：请假或缺席须注明原因（rules.md §3）"})
        existing = {a.member_id: a for a in Attendance.objects.select_for_update().filter(meeting=meeting)}
        for member, status, reason in entries:
            row = existing.get(member.pk) or Attendance(meeting=meeting, member=member)
            reason = "" if status == AttendanceStatus.PRESENT else reason.strip()[:200]
            if row.pk and row.status == status and row.reason == reason:
                continue
            if status != AttendanceStatus.PRESENT:
                row.signed_in_at, row.how = None, SignInHow.MANUAL
            row.status, row.reason = status, reason
            row.save()
        counts = {s: sum(1 for _m, st, _r in entries if st == s) for s in AttendanceStatus.values}
        audit.record("orglife.attendance_record", obj=meeting, user=actor, changes=counts)
    return meeting


def attendance_sign_in(*, actor, token: str, now: datetime | None = None) -> tuple[Attendance, bool]:
    """A logged-in member scans the meeting's QR code: marked present inside the sign-in window.
    Returns (attendance, newly signed in). A meeting the user can neither see nor belongs to is 404."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("org").filter(signin_token=(token or "")[:64]).first()
    if meeting is None:
        raise NotFound
    member = member_of(actor)
    if not belongs_to(member, meeting.org):
        _require_visible(actor, meeting)
        raise ValidationError(f"您不是“{meeting.org.name}”的党员，不能在本次会议签到")
    if meeting.state != MeetingState.DRAFT:
        raise ValidationError(f"会议记录{meeting.get_state_display()}，签到已结束")
    if not meeting.signin_open(now):
        opens, closes = timezone.localtime(meeting.signin_opens), timezone.localtime(meeting.signin_closes)
        raise ValidationError(f"不在签到时间内：本次会议签到时间为 {opens:%Y-%m-%d %H:%M} 至 {closes:%Y-%m-%d %H:%M}")
    try:
        with transaction.atomic():
            meeting = _locked(meeting)
            row = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
            if row is not None and row.status == AttendanceStatus.PRESENT:
                return row, False
            row = row or Attendance(meeting=meeting, member=member)
            row.status, row.reason, row.signed_in_at, row.how = AttendanceStatus.PRESENT, "", now, SignInHow.QR
            row.save()
            audit.record("orglife.sign_in", obj=meeting, user=actor, changes={"member": member.pk, "how": "qr"})
    except IntegrityError:  # a concurrent scan of the same member inserted first
        return Attendance.objects.get(meeting=meeting, member=member), False
    return row, True


def _check_submittable(meeting: Meeting, today: date) -> None:
    if meeting.held_on > today:
        raise ValidationError({"held_on": f"会议日期为 {meeting.held_on:%Y-%m-%d}，会议召开后才能提交记录"})
    if len((meeting.minutes or "").strip()) < MIN_MINUTES:
        raise ValidationError({"minutes": f"请填写会议记录（至少{MIN_MINUTES}个字）后再提交"})
    if meeting.org.kind in rules.HOLDER_KINDS and not meeting.attendances.filter(
            status=AttendanceStatus.PRESENT).exists():  # a committee's lecture: the branches record theirs
        raise ValidationError({"attendance": "请先登记出席情况（至少一名出席党员）后再提交"})
    if meeting.kind == MeetingKind.LECTURE and not meeting.lecturer:
        raise ValidationError({"lecturer": "党课记录请填写授课人"})
    if meeting.kind == MeetingKind.COMMITTEE_MEETING:
        _check_committee_quorum(meeting)


def _check_committee_quorum(meeting: Meeting) -> None:
    """More than half of the committee of the term in office that day present (条例第十二条); a
    branch with no term recorded has its own warning on the org page (orgs.rules.term_warnings)."""
    term = (LeadershipTerm.objects.filter(org=meeting.org, started__lte=meeting.held_on)
            .filter(Q(ended__isnull=True) | Q(ended__gt=meeting.held_on)).order_by("-started").first())
    if term is None:
        return
    committee = list(term.members.values_list("member_id", "name"))
    if not committee:
        return
    ids = {pk for pk, _name in committee if pk}
    names = {name for pk, name in committee if not pk}
    present = (meeting.attendances.filter(status=AttendanceStatus.PRESENT)
               .filter(Q(member_id__in=ids) | Q(member__name__in=names)).count())
    rules.check_committee_quorum(len(committee), present)


def names_for(meeting: Meeting) -> list[str]:
    """Names a copier would change: the org's members, the attendees, host, recorder, lecturer,
    and the org's own name."""
    names = set(org_members(meeting.org).values_list("name", flat=True))
    names |= set(meeting.attendances.values_list("member__name", flat=True))
    return sorted(names | {meeting.host, meeting.recorder, meeting.lecturer, meeting.org.name} - {""})


def _index_and_flag(meeting: Meeting) -> list[CopyFlag]:
    """Put the minutes in the copy index and flag near-copies of earlier records."""
    CopyFlag.objects.filter(meeting=meeting).delete()
    fp = copydetect.fingerprint(meeting.minutes, names_for(meeting))
    found = copydetect.find_copies(meeting.pk, fp)
    copydetect.index(meeting.pk, fp)
    return CopyFlag.objects.bulk_create([CopyFlag(meeting=meeting, source_id=source, similarity=similarity)
                                         for source, similarity in found])


def _open_round(meeting: Meeting, actor) -> ReviewRound:
    number = (meeting.review_rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ReviewRound.objects.create(meeting=meeting, number=number, submitted_by=actor)


def _submit(actor, meeting: Meeting, *, resubmit: bool) -> Meeting:
    """Both submissions: checks, a new review round, the copy check, the audit entry."""
    before = MeetingState.RETURNED if resubmit else MeetingState.DRAFT
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_change(actor, meeting.org)
        if not resubmit and meeting.state == MeetingState.RETURNED:
            raise ValidationError("该记录已被退回，请修改后“重新提交”")
        if meeting.state != before:
            raise ValidationError(f"会议记录{meeting.get_state_display()}，"
                                  + ("只有退回的记录可以重新提交" if resubmit else "不能再次提交"))
        _check_submittable(meeting, timezone.localdate())
        counted_before = meeting_months.place(meeting)
        meeting.state = MeetingState.SUBMITTED
        meeting.save(update_fields=["state", "updated"])
        meeting_months.moved(counted_before, meeting_months.place(meeting))
        review_round = _open_round(meeting, actor)
        flags = _index_and_flag(meeting)
        if not resubmit and meeting.kind == MeetingKind.LECTURE and meeting.lecturer_member is not None:
            record_event(member=meeting.lecturer_member, kind="lecture_given", actor=actor, occurred=meeting.held_on,
                         summary=f"为{meeting.org.name}讲授{'流动' if meeting.travelling else ''}党课《{meeting.topic}》")
        audit.record("orglife.meeting_resubmit" if resubmit else "orglife.meeting_submit", obj=meeting, user=actor,
                     changes={"state": [before, MeetingState.SUBMITTED], "round": review_round.number,
                              "copy_flags": len(flags)})
    return meeting


def meeting_submit(*, actor, meeting: Meeting) -> Meeting:
    """The branch submits a draft record to the upper org for review (纪实报告检查)."""
    return _submit(actor, meeting, resubmit=False)


def meeting_resubmit(*, actor, meeting: Meeting) -> Meeting:
    """A returned record, corrected, goes back to the reviewer as a new round."""
    return _submit(actor, meeting, resubmit=True)


def _reviewable(actor, meeting: Meeting) -> tuple[Meeting, ReviewRound]:
    meeting = _locked(meeting)
    _require_visible(actor, meeting)
    if not can_review(actor, meeting):
        raise PermissionDenied("只有上级党组织可以审核会议记录（纪实报告检查）")
    if meeting.state != MeetingState.SUBMITTED:
        raise ValidationError(f"会议记录{meeting.get_state_display()}，只有已提交的记录可以审核")
    review_round = ReviewRound.objects.select_for_update().get(meeting=meeting, decision=ReviewDecision.PENDING)
    if review_round.submitted_by_id is not None and review_round.submitted_by_id == actor.pk:
        raise ValidationError("不能审核本人提交的会议记录")
    return meeting, review_round


def _decide(actor, meeting: Meeting, review_round: ReviewRound, decision: str, comment: str) -> None:
    review_round.decision, review_round.comment = decision, comment
    review_round.reviewer, review_round.reviewed_at = actor, timezone.now()
    review_round.save(update_fields=["decision", "comment", "reviewer", "reviewed_at", "updated"])
    state = MeetingState.APPROVED if decision == ReviewDecision.APPROVED else MeetingState.RETURNED
    counted_before = meeting_months.place(meeting)
    meeting.state = state
    meeting.save(update_fields=["state", "updated"])
    meeting_months.moved(counted_before, meeting_months.place(meeting))
    audit.record(f"orglife.review_{'approve' if state == MeetingState.APPROVED else 'return'}", obj=meeting,
                 user=actor, changes={"state": [MeetingState.SUBMITTED, state], "round": review_round.number,
                                      "comment": comment})


def meeting_review_approve(*, actor, meeting: Meeting, comment: str = "") -> Meeting:
    """The upper org approves a submitted record."""
    comment = (comment or "").strip()[:2000]
    with transaction.atomic():
        meeting, review_round = _reviewable(actor, meeting)
        _decide(actor, meeting, review_round, ReviewDecision.APPROVED, comment)
    return meeting


def meeting_review_return(*, actor, meeting: Meeting, comment: str) -> Meeting:
    """The upper org returns a submitted record for correction, saying what to correct."""
    comment = (comment or "").strip()[:2000]
    if not comment:
        raise ValidationError({"comment": "退回时请填写审核意见，说明需要修改的内容"})
    with transaction.atomic():
        meeting, review_round = _reviewable(actor, meeting)
        _decide(actor, meeting, review_round, ReviewDecision.RETURNED, comment)
        # Told: who submitted the round, and the officers of the meeting's org (its secretary).
        notify(recipients=[review_round.submitted_by_id, *org_officers(meeting.org)],
               kind=Kind.MEETING_RETURNED, link=reverse("orglife:detail", args=[meeting.pk]),
               title=f"{meeting.org.name}{meeting.held_on:%Y-%m-%d}的{meeting.get_kind_display()}记录被退回：{comment[:60]}")
    return meeting


# --- attachments ------------------------------------------------------------------------------------


def attachment_add(*, actor, meeting: Meeting, upload, title: str) -> Attachment:
    """A photo, sign-in sheet or scan (PDF, PNG, JPEG; ≤ 10 MB), checked by content."""
    meeting = Meeting.objects.select_related("org").get(pk=meeting.pk)
    _require_change(actor, meeting.org)
    if not meeting.editable:
        raise ValidationError(f"会议记录{meeting.get_state_display()}，不能再添加附件")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写附件标题"})
    if len(title) > 100:
        raise ValidationError({"title": "标题不能超过100个字"})
    stored = files.store_document(upload, allowed=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(meeting=meeting, title=title, uploaded_by=actor,
                                                   **Attachment.stored_fields(upload, stored))
            audit.record("orglife.attachment_upload", obj=attachment, user=actor,
                         changes={"meeting": meeting.pk, "size": stored.size, "sha256": stored.sha256})
    except BaseException:
        files.delete(stored.stored_name)  # no orphan file for a row that was never written
        raise
    return attachment


def attachment_open(*, actor, attachment: Attachment):
    """The file of an attachment the caller found through visible_to; each download is audited."""
    with transaction.atomic():
        audit.record("orglife.attachment_download", obj=attachment, user=actor, changes={"sha256": attachment.sha256})
    return files.attachment(attachment.stored_name, attachment.file_name, attachment.content_type)


# --- requested lectures (点题党课) ---------------------------------------------------------------------


def topic_propose(*, actor, org: Org, title: str, description: str = "") -> Topic:
    """A member of the branch (or its secretary) proposes a lecture topic."""
    member = member_of(actor)
    if not belongs_to(member, org):
        if not get_scope(actor).covers(org.path, "orglife.view"):
            raise NotFound
        if not get_scope(actor).covers(org.path, CHANGE):
            raise PermissionDenied("只有本支部党员或书记可以点题")
        member = None
    if org.kind not in BRANCH_KINDS:
        raise ValidationError({"org": "点题党课以党支部为单位，请在党支部提出"})
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise ValidationError({"title": "请填写希望讲授的题目"})
    if len(title) > 100 or len(description) > 300:
        raise ValidationError({"title": "题目不超过100字，说明不超过300字"})
    if Topic.objects.filter(org=org, state=TopicState.OPEN, title=title).exists():
        raise ValidationError({"title": "本支部已有相同的点题，请直接为它投票"})
    with transaction.atomic():
        topic = Topic.objects.create(org=org, title=title, description=description, proposed_by=member)
        audit.record("orglife.topic_propose", obj=topic, user=actor, changes={"title": title})
    return topic


def topic_vote(*, actor, topic: Topic) -> TopicVote:
    """A member of the branch votes for an open topic, once."""
    topic = Topic.objects.select_related("org").get(pk=topic.pk)
    member = member_of(actor)
    if not belongs_to(member, topic.org) or member.org_id != topic.org_id:
        if not Topic.objects.visible_to(actor).filter(pk=topic.pk).exists():
            raise NotFound
        raise ValidationError("只有本支部党员可以为点题投票")
    if topic.state != TopicState.OPEN:
        raise ValidationError("该题目已安排党课，投票已结束")
    if TopicVote.objects.filter(topic=topic, member=member).exists():
        raise ValidationError("您已为该题目投过票（每人每题一票）")
    try:
        with transaction.atomic():
            vote = TopicVote.objects.create(topic=topic, member=member)
            audit.record("orglife.topic_vote", obj=topic, user=actor)
    except IntegrityError as exc:
        raise ValidationError("您已为该题目投过票（每人每题一票）") from exc
    return vote


def lecture_schedule(*, actor, topic: Topic, held_on: date, place: str, host: str, recorder: str,
                     lecturer: str, start_time: time | None = None, lecturer_unit: str = "",
                     lecturer_member: Member | None = None, by_secretary: bool = False,
                     travelling: bool = False) -> Meeting:
    """The secretary schedules a lecture on a chosen topic: a draft lecture record answering it."""
    if not (lecturer or "").strip() and lecturer_member is None:
        raise ValidationError({"lecturer": "请填写授课人"})
    with transaction.atomic():
        topic = Topic.objects.select_for_update(of=("self",)).select_related("org").get(pk=topic.pk)
        _require_change(actor, topic.org)
        if topic.state != TopicState.OPEN:
            raise ValidationError("该题目已安排党课，不能重复安排")
        meeting = meeting_create(
            actor=actor, org=topic.org, kind=MeetingKind.LECTURE, held_on=held_on, start_time=start_time,
            place=place, host=host, recorder=recorder, topic=topic.title, lecturer=lecturer,
            lecturer_unit=lecturer_unit, lecturer_member=lecturer_member, by_secretary=by_secretary,
            travelling=travelling, requested_topic=topic)
        topic.state = TopicState.SCHEDULED
        topic.save(update_fields=["state", "updated"])
        audit.record("orglife.lecture_schedule", obj=topic, user=actor,
                     changes={"meeting": meeting.pk, "votes": topic.votes.count()})
    return meeting
