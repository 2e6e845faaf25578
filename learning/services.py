"""Learning workflows: publishing courses and items, opening a study session, judging heartbeats,
recording offline hours. One transaction each; the library's writes leave an audit entry.

Online study is counted on the server (issue 16.2). The page sends a heartbeat every
``rules.BEAT_INTERVAL`` seconds while it is visible and focused and, for media, while playing; each
names its session, a sequence number, the seconds it measured since its last heartbeat
(``elapsed``), the playback rate and position. The server credits ``elapsed`` but never more than
the wall-clock time since the last accepted heartbeat of that session, never past the item's length
plus a margin, never past the member's daily cap; the member's other sessions are closed when one
opens, so two tabs or devices never count twice. Whatever cannot be honest — a replayed or
out-of-order sequence number, a closed or unknown session, a claim of more time than passed, a
rate above 1.25×, a hidden page, an item the member may no longer see — is refused, credits
nothing and is kept as a ``RefusedBeat`` row (counted per branch and day)."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core import audit, files, summaries
from core.access import get_scope
from core.errors import NotFound
from learning import rules
from learning.models import (
    MAX_CHANNEL_DEPTH,
    MEDIA_KINDS,
    Channel,
    Course,
    ItemKind,
    OfflineHours,
    RefusedBeat,
    StudyDay,
    StudyItem,
    StudyOrgYear,
    StudySession,
    TargetGroup,
)
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org
from orgs.rules import local_setting
from points import services as points_services
from points.rules import STUDY_UNIT_SECONDS

MEDIA_MAX_BYTES = 500 * 1024 * 1024
ALLOWED_FILES: dict[str, set[str]] = {ItemKind.VIDEO: {"mp4", "webm"}, ItemKind.AUDIO: {"mp3", "mp4", "wav"}, ItemKind.PDF: {"pdf"}}


# --- the library -------------------------------------------------------------------------------

def _above_or_at(channel_org: Org, org: Org) -> bool:
    return org.path.startswith(channel_org.path)


def channel_create(*, actor, org: Org, name: str, parent: Channel | None = None) -> Channel:
    """A channel (栏目) of ``org``'s library (learning.change on the org), under a channel of the org
    or of one above it, at most ``MAX_CHANNEL_DEPTH`` levels deep, its name unique among its
    siblings of the same org."""
    _require(actor, org, "learning.change")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写栏目名称"})
    if len(name) > 30:
        raise ValidationError({"name": "栏目名称不超过30字"})
    if parent is not None:
        if not _above_or_at(parent.org, org):
            raise ValidationError({"parent": "上级栏目须由本组织或上级组织设立"})
        if parent.depth >= MAX_CHANNEL_DEPTH:
            raise ValidationError({"parent": f"栏目最多{MAX_CHANNEL_DEPTH}级"})
    with transaction.atomic():
        if Channel.objects.filter(org=org, parent=parent, name=name).exists():
            raise ValidationError({"name": f"已有同名栏目“{name}”"})
        channel = Channel.objects.create(org=org, parent=parent, name=name, depth=parent.depth + 1 if parent else 1)
        audit.record("learning.channel_create", obj=channel, user=actor, changes={"after": channel.audit_snapshot()})
    return channel


def course_create(*, actor, org: Org, title: str, channel: Channel | None = None, summary: str = "",
                  required_for: str = "", year: int | None = None, published: bool = True) -> Course:
    """Publish a course for ``org``'s subtree (learning.change on the org), filed under a channel
    of the org or of one above it."""
    _require(actor, org, "learning.change")
    if channel is not None and not _above_or_at(channel.org, org):
        raise ValidationError({"channel": "栏目须由本组织或上级组织设立"})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写课程名称"})
    if required_for and required_for not in TargetGroup.values:
        raise ValidationError({"required_for": "必学对象不正确"})
    if required_for and not year:
        raise ValidationError({"year": "必学课程须填写年度"})
    if year is not None and not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度不正确"})
    with transaction.atomic():
        course = Course.objects.create(org=org, title=title, channel=channel,
                                       summary=(summary or "").strip(), required_for=required_for or "",
                                       year=year, published=published, created_by=actor)
        audit.record("learning.course_create", obj=course, user=actor, changes={"after": course.audit_snapshot()})
    return course


def course_publish(*, actor, course: Course, published: bool) -> Course:
    """Publish a course (its members see it) or take it back (learning.change on its org)."""
    _require(actor, course.org, "learning.change")
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.published == published:
            raise ValidationError("课程已发布" if published else "课程已撤回")
        if published and not course.items.exists():
            raise ValidationError("课程还没有学习内容，不能发布")
        course.published = published
        course.save(update_fields=["published", "updated"])
        audit.record("learning.course_publish", obj=course, user=actor, changes={"published": published})
    return course


def item_add(*, actor, course: Course, kind: str, title: str, seconds: int, body: str = "",
             upload=None, position: int = 0) -> StudyItem:
    """Add an item to a course. Videos, audio and PDFs are uploaded files checked by content
    (core.files, like the archive's documents); an article is its text."""
    _require(actor, course.org, "learning.change")
    title = (title or "").strip()
    if kind not in ItemKind.values:
        raise ValidationError({"kind": "内容类型不正确"})
    if not title:
        raise ValidationError({"title": "请填写标题"})
    if not isinstance(seconds, int) or not 0 < seconds <= 24 * 3600:
        raise ValidationError({"seconds": "时长须为1秒至24小时"})
    if kind == ItemKind.ARTICLE and not (body or "").strip():
        raise ValidationError({"body": "请填写正文"})
    stored = None
    if kind != ItemKind.ARTICLE:
        stored = files.store_document(upload, allowed=ALLOWED_FILES[kind], max_bytes=MEDIA_MAX_BYTES)
    try:
        with transaction.atomic():
            item = StudyItem.objects.create(
                course=course, kind=kind, title=title, seconds=seconds, body=(body or "").strip(), position=position,
                **({"stored_name": stored.stored_name, "content_type": stored.content_type, "size": stored.size,
                    "sha256": stored.sha256} if stored else {}))
            audit.record("learning.item_add", obj=item, user=actor, changes={"after": item.audit_snapshot()})
    except BaseException:
        if stored:
            files.delete(stored.stored_name)
        raise
    return item


# --- online study ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Beat:
    """What the page reports with a heartbeat."""

    seq: int
    elapsed: float
    visible: bool = True
    focused: bool = True
    playing: bool = True
    rate: float = 1.0
    position: float = 0.0

    def __post_init__(self):
        """Values no page sends (NaN, huge numbers) are malformed, not suspicious: ValueError."""
        if not (1 <= self.seq <= 10**9 and 0 <= self.elapsed <= 3600 and 0 <= self.rate <= 16
                and 0 <= self.position <= 10**7):
            raise ValueError("heartbeat out of range")


@dataclass(frozen=True)
class BeatResult:
    accepted: bool
    credited: int = 0
    reason: str = ""  # why nothing was credited ("" when something was)
    message: str = ""


REFUSALS = {
    "unknown": "学习会话不存在",
    "closed": "学习会话已关闭（已在其他窗口或设备打开）",
    "replayed": "心跳重复或顺序错误",
    "too_fast": "心跳过于频繁",
    "forged": "上报的学习时间超过实际经过的时间",
    "hidden": "页面不在前台，不计时",
    "speed": "播放速度超过1.25倍，不计时",
    "unseen": "无权学习此内容",
}
NOT_CREDITED = {
    "paused": "未在播放，不计时",
    "seek": "快进部分不计时",
    "length": "本内容已达到计时上限",
    "cap": "今日在线学习已达上限",
}


def session_open(*, actor, item: StudyItem) -> StudySession:
    """A member opens an item: a new session, and every other open session of theirs is closed
    (one place counts at a time, whatever the tabs and devices)."""
    member = _member_of(actor)
    if not StudyItem.objects.visible_to(actor, "view").filter(pk=item.pk).exists():
        raise NotFound
    now = timezone.now()
    with transaction.atomic():
        StudySession.objects.filter(member=member, closed=False).update(closed=True)
        last = StudyDay.objects.filter(member=member, item=item).order_by("-day").values_list("position", flat=True)
        return StudySession.objects.create(member=member, item=item, token=secrets.token_urlsafe(32), opened=now,
                                           last_beat=now, position=last.first() or 0)


def session_close(*, actor, token: str) -> None:
    """The page is left: the session takes no more heartbeats."""
    member = _member_of(actor)
    StudySession.objects.filter(member=member, token=token).update(closed=True)


def heartbeat(*, actor, token: str, beat: Beat) -> BeatResult:
    """Judge one heartbeat (module docstring) and credit what it honestly stands for."""
    member = _member_of(actor)
    now = timezone.now()
    with transaction.atomic():
        session = (StudySession.objects.select_for_update().select_related("item__course")
                   .filter(token=token or "", member=member).first())
        if session is None:
            return _refuse(member, None, now, "unknown")
        reason = _refusal(actor, session, beat, now)
        if reason:
            return _refuse(member, session.item, now, reason)
        gap = (now - session.last_beat).total_seconds()
        item = session.item
        advance = beat.position - session.position
        session.seq, session.last_beat, session.position = beat.seq, now, beat.position
        session.save(update_fields=["seq", "last_beat", "position"])
        reason, credit, spent = _credit(member, item, beat, min(beat.elapsed, gap, rules.BEAT_MAX_GAP), advance, now)
        if credit <= 0:
            _keep_position(member, item, now, beat.position)
            return BeatResult(True, 0, reason, NOT_CREDITED.get(reason, ""))
        _add(member, item, now, credit, beat.position, spent)
    return BeatResult(True, credit)


def _refusal(actor, session: StudySession, beat: Beat, now) -> str:
    """Why a heartbeat is refused ("" when it is not): each rule of the module docstring."""
    if session.closed:
        return "closed"
    if beat.seq <= session.seq:
        return "replayed"
    gap = (now - session.last_beat).total_seconds()
    if gap < rules.BEAT_MIN_GAP:
        return "too_fast"
    if beat.elapsed < 0 or beat.elapsed > gap + 1:
        return "forged"
    if not (beat.visible and beat.focused):
        return "hidden"
    if session.item.kind in MEDIA_KINDS and not 0 < beat.rate <= rules.MAX_RATE:
        return "speed"
    if not StudyItem.objects.visible_to(actor, "view").filter(pk=session.item_id).exists():
        return "unseen"
    return ""


def _credit(member: Member, item: StudyItem, beat: Beat, seconds: float, advance: float,
            now) -> tuple[str, int, int]:
    """The whole seconds to credit, or why none: media not playing or jumped ahead (a seek),
    the item's length reached, the day's cap reached; and the seconds the day already holds."""
    if item.kind in MEDIA_KINDS:
        if not beat.playing:
            return "paused", 0, 0
        if advance > seconds * rules.MAX_RATE + 3:
            return "seek", 0, 0
    credit = int(seconds)
    done = StudyDay.objects.filter(member=member, item=item).aggregate(s=Sum("seconds"))["s"] or 0
    credit = min(credit, rules.item_cap(item.seconds) - done)
    if credit <= 0:
        return "length", 0, 0
    today = timezone.localdate(now)
    cap = int(local_setting(member.org, "learning_daily_cap_minutes")) * 60
    spent = StudyDay.objects.filter(member=member, day=today).aggregate(s=Sum("seconds"))["s"] or 0
    credit = min(credit, cap - spent)
    if credit <= 0:
        return "cap", 0, spent
    return "", credit, spent


def _add(member: Member, item: StudyItem, now, credit: int, position: float, spent: int) -> None:
    """Credit the seconds to the member's row of the day (``spent``: the day's seconds before) and
    to the org's yearly summary."""
    today = timezone.localdate(now)
    row, _ = StudyDay.objects.select_for_update().get_or_create(
        member=member, item=item, day=today, defaults={"org_id": member.org_id})
    row.seconds += credit
    row.position = position
    others = StudyDay.objects.filter(member=member, item=item).exclude(pk=row.pk)
    done = others.aggregate(s=Sum("seconds"))["s"] or 0
    was_completed = row.completed or others.filter(completed=True).exists()
    row.completed = row.completed or done + row.seconds >= item.seconds * rules.COMPLETE_AT
    row.save(update_fields=["seconds", "position", "completed"])
    summaries.add(StudyOrgYear, {"org_id": row.org_id, "year": today.year}, seconds=credit)
    # Points (积分) for the study: one unit per 10 minutes of the day crossed, one for finishing an item.
    unit = STUDY_UNIT_SECONDS
    points_services.award(member_id=member.pk, org_id=row.org_id, day=today, activity="study",
                 units=(spent + credit) // unit - spent // unit)
    if row.completed and not was_completed:
        points_services.award(member_id=member.pk, org_id=row.org_id, day=today, activity="complete", units=1)


def _keep_position(member: Member, item: StudyItem, now, position: float) -> None:
    """Where the member stopped, for "continue where I stopped", even when nothing is credited."""
    StudyDay.objects.filter(member=member, item=item, day=timezone.localdate(now)).update(position=position)


def _refuse(member: Member, item: StudyItem | None, now, reason: str) -> BeatResult:
    RefusedBeat.objects.create(member=member, org_id=member.org_id, item=item, day=timezone.localdate(now),
                               reason=reason)
    return BeatResult(False, 0, reason, REFUSALS[reason])


# --- offline hours -----------------------------------------------------------------------------

def offline_hours_record(*, actor, member: Member, day: date, hours, subject: str, evidence: str) -> OfflineHours:
    """The branch enters hours a member earned offline, with the evidence (learning.change on the
    member's org)."""
    _require(actor, member.org, "learning.change")
    try:
        hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": "学时须为数字"}) from exc
    if not Decimal("0") < hours <= Decimal("40"):
        raise ValidationError({"hours": "学时须大于0且不超过40"})
    if day > timezone.localdate() or day < timezone.localdate() - timedelta(days=366):
        raise ValidationError({"day": "日期须在一年内且不晚于今天"})
    subject, evidence = (subject or "").strip(), (evidence or "").strip()
    if not subject:
        raise ValidationError({"subject": "请填写学习内容"})
    if not evidence:
        raise ValidationError({"evidence": "请填写证明材料（如结业证书编号、签到表）"})
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
        _require(actor, member.org, "learning.change")
        if member.status not in ACTIVE_STATUSES:
            raise ValidationError({"member": f"{member.name}已不是在册党员"})
        entry = OfflineHours.objects.create(member=member, org=member.org, day=day, hours=hours, subject=subject,
                                            evidence=evidence, recorded_by=actor)
        audit.record("learning.offline_hours_record", obj=entry, user=actor,
                     changes={"after": entry.audit_snapshot()})
    return entry


def _require(actor, org: Org, perm: str) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise NotFound


def _member_of(actor) -> Member:
    """The member studying: the actor's own active member record (404 for anyone else)."""
    member_id = get_scope(actor).member_id
    if not member_id:
        raise NotFound
    return Member.objects.select_related("org").get(pk=member_id)
