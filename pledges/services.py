"""Pledges and duty posts workflows: a member makes a pledge for the year and edits it while it
waits or was returned; the branch approves or returns it (a reason when returning; never one's
own); on an approved pledge the member records what they did, reviewed the same way; an org sets
a duty post with its holder and takes it down. One transaction each, an audit entry each, the
summary row per org and year (``PledgeOrgYear``) kept in the same transaction.

Who reviews and sets posts: ``learning.change`` on the pledge's (the post's) org. Who pledges and
records: the member themself (their own member record; anyone else is 404)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, summaries
from core.access import get_scope
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org
from pledges import rules
from pledges.models import DutyPost, Pledge, PledgeOrgYear, PledgeRecord, PostKind, ReviewState


def _member_of(actor) -> Member:
    member_id = get_scope(actor).member_id
    if not member_id:
        raise NotFound
    return Member.objects.select_related("org").get(pk=member_id)


def _require(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, "learning.change"):
        raise NotFound


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) < rules.TEXT_MIN:
        raise ValidationError({field: f"{label}至少{rules.TEXT_MIN}个字"})
    if len(value) > rules.TEXT_MAX:
        raise ValidationError({field: f"{label}不超过{rules.TEXT_MAX}个字"})
    return value


def _count(org_id: int, year: int, **deltas: int) -> None:
    summaries.add(PledgeOrgYear, {"org_id": org_id, "year": year}, **deltas)


# --- pledges -----------------------------------------------------------------------------------

def pledge_create(*, actor, text: str) -> Pledge:
    """The member's pledge for this year, waiting for the branch's review."""
    member = _member_of(actor)
    text = _text(text, "text", "承诺内容")
    year = timezone.localdate().year
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
        if member.status not in ACTIVE_STATUSES:
            raise NotFound
        if Pledge.objects.filter(member=member, year=year).count() >= rules.MAX_PLEDGES:
            raise ValidationError({"text": f"每年承诺不超过{rules.MAX_PLEDGES}项"})
        pledge = Pledge.objects.create(member=member, org=member.org, year=year, text=text)
        _count(pledge.org_id, year, pledges=1)
        audit.record("pledges.pledge_create", obj=pledge, user=actor, changes={"after": pledge.audit_snapshot()})
    return pledge


def pledge_update(*, actor, pledge: Pledge, text: str) -> Pledge:
    """The member rewrites a pledge that waits for review or was returned: it waits again."""
    member = _member_of(actor)
    text = _text(text, "text", "承诺内容")
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk, member=member)
        if pledge.state == ReviewState.APPROVED:
            raise ValidationError("承诺已审核通过，不能再修改")
        before = pledge.audit_snapshot()
        pledge.text, pledge.state, pledge.review_note = text, ReviewState.PENDING, ""
        pledge.save(update_fields=["text", "state", "review_note", "updated"])
        audit.record("pledges.pledge_update", obj=pledge, user=actor,
                     changes={"before": before, "after": pledge.audit_snapshot()})
    return pledge


def _decide(actor, row, *, approve: bool, note: str, org: Org, own_member_id: int):
    """Approve or return a pending pledge or record (shared by the two reviews)."""
    _require(actor, org)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "退回须写明理由"})
    if len(note) > 200:
        raise ValidationError({"note": "审核意见不超过200字"})
    if get_scope(actor).member_id == own_member_id:
        raise ValidationError("不能审核本人的承诺或践诺记录")
    if row.state != ReviewState.PENDING:
        raise ValidationError(f"已{row.get_state_display()[1:]}，不能重复审核")
    row.state = ReviewState.APPROVED if approve else ReviewState.RETURNED
    row.review_note, row.reviewed_by, row.reviewed_on = note, actor, timezone.localdate()
    row.save(update_fields=["state", "review_note", "reviewed_by", "reviewed_on", "updated"])


def pledge_review(*, actor, pledge: Pledge, approve: bool, note: str = "") -> Pledge:
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().select_related("org").get(pk=pledge.pk)
        _decide(actor, pledge, approve=approve, note=note, org=pledge.org, own_member_id=pledge.member_id)
        if approve:
            _count(pledge.org_id, pledge.year, approved=1)
        audit.record("pledges.pledge_review", obj=pledge, user=actor,
                     changes={"state": pledge.state, "note": pledge.review_note})
    return pledge


def record_add(*, actor, pledge: Pledge, day: date, text: str, evidence: str = "") -> PledgeRecord:
    """The member records what they did on an approved pledge of theirs (day within its year)."""
    member = _member_of(actor)
    text = _text(text, "text", "践诺情况")
    evidence = (evidence or "").strip()
    if len(evidence) > 200:
        raise ValidationError({"evidence": "佐证不超过200字"})
    if day > timezone.localdate():
        raise ValidationError({"day": "日期不能晚于今天"})
    with transaction.atomic():
        found = Pledge.objects.select_for_update().filter(pk=pledge.pk, member=member).first()
        if found is None:
            raise NotFound
        pledge = found
        if pledge.state != ReviewState.APPROVED:
            raise ValidationError("承诺审核通过后才能记录践诺")
        if day.year != pledge.year:
            raise ValidationError({"day": f"日期须在{pledge.year}年内"})
        record = PledgeRecord.objects.create(pledge=pledge, day=day, text=text, evidence=evidence)
        _count(pledge.org_id, pledge.year, records=1)
        audit.record("pledges.record_add", obj=record, user=actor, changes={"after": record.audit_snapshot()})
    return record


def record_review(*, actor, record: PledgeRecord, approve: bool, note: str = "") -> PledgeRecord:
    with transaction.atomic():
        record = PledgeRecord.objects.select_for_update().select_related("pledge__org").get(pk=record.pk)
        pledge = record.pledge
        _decide(actor, record, approve=approve, note=note, org=pledge.org, own_member_id=pledge.member_id)
        if approve:
            _count(pledge.org_id, pledge.year, accepted=1)
        audit.record("pledges.record_review", obj=record, user=actor,
                     changes={"state": record.state, "note": record.review_note})
    return record


# --- duty posts --------------------------------------------------------------------------------

def post_create(*, actor, org: Org, kind: str, name: str, duties: str, holder: Member,
                started_on: date | None = None) -> DutyPost:
    """Set a duty post of ``org`` held by an active member of its subtree (挂牌上岗)."""
    _require(actor, org)
    if kind not in PostKind.values:
        raise ValidationError({"kind": "岗位类别不正确"})
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ValidationError({"name": "请填写岗位名称（不超过50字）"})
    duties = _text(duties, "duties", "岗位职责")
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "上岗日期不能晚于今天"})
    with transaction.atomic():
        if not Member.objects.filter(pk=holder.pk, status__in=ACTIVE_STATUSES, org__path__startswith=org.path).exists():
            raise ValidationError({"holder": "上岗党员须为本组织及下级的在册党员"})
        post = DutyPost.objects.create(org=org, kind=kind, name=name, duties=duties, holder=holder,
                                       started_on=started_on)
        audit.record("pledges.post_create", obj=post, user=actor, changes={"after": post.audit_snapshot()})
    return post


def post_end(*, actor, post: DutyPost) -> DutyPost:
    """Take a post down (撤牌): its badge page says so from then on."""
    _require(actor, post.org)
    with transaction.atomic():
        post = DutyPost.objects.select_for_update().get(pk=post.pk)
        if post.ended_on:
            raise ValidationError("岗位已撤牌")
        post.ended_on = timezone.localdate()
        post.save(update_fields=["ended_on", "updated"])
        audit.record("pledges.post_end", obj=post, user=actor, changes={"ended_on": post.ended_on.isoformat()})
    return post
