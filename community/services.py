"""Community check-in workflows: the member requests (``checkin_request``), the community confirms
or refuses (``checkin_decide``) and assigns a team (``checkin_assign``), records service
(``record_add``) and rates the year (``rating_record``); either side ends it (``checkin_end``).
One transaction each, an audit entry each, the summary rows kept in the same transaction."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from community import rules
from community.models import (
    ACTIVE_STATES,
    CheckIn,
    CheckInRating,
    CheckInState,
    CommunityMonth,
    ServiceRecord,
    ServiceTeam,
)
from core import audit, summaries
from core.access import get_scope
from core.errors import NotFound
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org

PERM = "regional.change"


def _require(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, PERM):
        raise NotFound


def _own_member(actor) -> Member:
    member_id = get_scope(actor).member_id
    if not member_id:
        raise NotFound
    return Member.objects.select_related("org").get(pk=member_id)


def _month(day: date) -> date:
    return day.replace(day=1)


def _count(checkin: CheckIn, day: date, **deltas: int) -> None:
    for org_id, role in ((checkin.community_id, "community"), (checkin.unit_id, "unit")):
        summaries.add(CommunityMonth, {"org_id": org_id, "role": role, "month": _month(day)}, **deltas)


def checkin_request(*, actor, community: Org, address: str) -> CheckIn:
    """An in-service member asks to check in with the community where they live."""
    member = _own_member(actor)
    if not rules.is_community(community):
        raise ValidationError({"community": f"{community.name}不是社区党组织，请选择居住地所在社区"})
    if not rules.is_in_service(member.org):
        raise ValidationError("到社区报到面向机关、事业单位和国有企业的在职党员")
    if member.status not in ACTIVE_STATUSES:
        raise ValidationError("只有在册党员可以报到")
    address = (address or "").strip()
    if not address:
        raise ValidationError({"address": "请填写居住地址"})
    try:
        with transaction.atomic():
            if CheckIn.objects.select_for_update().filter(member=member, state__in=ACTIVE_STATES).exists():
                raise ValidationError("您已在一个社区报到（或等待确认），如需更换请先结束原报到")
            checkin = CheckIn.objects.create(member=member, unit=member.org, community=community, address=address,
                                             requested_on=timezone.localdate())
            audit.record("community.checkin_request", obj=checkin, user=actor,
                         changes={"after": checkin.audit_snapshot()})
    except IntegrityError as exc:  # two requests at once: the constraint keeps one
        raise ValidationError("您已在一个社区报到（或等待确认），如需更换请先结束原报到") from exc
    return checkin


def checkin_decide(*, actor, checkin: CheckIn, confirm: bool, note: str = "") -> CheckIn:
    """The community confirms the check-in, or refuses it with a reason."""
    _require(actor, checkin.community)
    note = (note or "").strip()
    if not confirm and not note:
        raise ValidationError({"note": "不予确认须写明理由"})
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if checkin.state != CheckInState.REQUESTED:
            raise ValidationError(f"该报到已{checkin.get_state_display()}，不能再次确认")
        today = timezone.localdate()
        checkin.state = CheckInState.CONFIRMED if confirm else CheckInState.REFUSED
        checkin.decided_on, checkin.decided_by, checkin.note = today, actor, note
        checkin.save(update_fields=["state", "decided_on", "decided_by", "note", "updated"])
        if confirm:
            _count(checkin, today, checkins=1)
        audit.record("community.checkin_decide", obj=checkin, user=actor,
                     changes={"state": checkin.state, "note": note})
    return checkin


def checkin_assign(*, actor, checkin: CheckIn, team: ServiceTeam | None) -> CheckIn:
    """The community puts a confirmed member in one of its service teams (or none)."""
    _require(actor, checkin.community)
    if team is not None and team.community_id != checkin.community_id:
        raise ValidationError({"team": "服务队须属于报到社区"})
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if checkin.state != CheckInState.CONFIRMED:
            raise ValidationError("报到确认后才能加入服务队")
        checkin.team = team
        checkin.save(update_fields=["team", "updated"])
        audit.record("community.checkin_assign", obj=checkin, user=actor, changes={"team": str(team or "")})
    return checkin


def checkin_end(*, actor, checkin: CheckIn) -> CheckIn:
    """The member (moving away) or the community ends a check-in."""
    scope = get_scope(actor)
    if scope.member_id != checkin.member_id and not scope.covers(checkin.community.path, PERM):
        raise NotFound
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if checkin.state not in ACTIVE_STATES:
            raise ValidationError(f"该报到已{checkin.get_state_display()}")
        checkin.state = CheckInState.ENDED
        checkin.save(update_fields=["state", "updated"])
        audit.record("community.checkin_end", obj=checkin, user=actor, changes={"state": checkin.state})
    return checkin


def team_create(*, actor, community: Org, name: str) -> ServiceTeam:
    _require(actor, community)
    if not rules.is_community(community):
        raise ValidationError({"community": "服务队须设在社区党组织"})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写服务队名称"})
    with transaction.atomic():
        if ServiceTeam.objects.filter(community=community, name=name).exists():
            raise ValidationError({"name": f"已有服务队“{name}”"})
        team = ServiceTeam.objects.create(community=community, name=name)
        audit.record("community.team_create", obj=team, user=actor, changes={"after": team.audit_snapshot()})
    return team


def service_hours(value) -> Decimal:
    """Hours as a service record keeps them (one decimal, over 0 and at most 12), or the refusal."""
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"hours": "服务时长须为数字"}) from exc
    if not Decimal("0") < hours <= rules.MAX_HOURS_PER_RECORD:
        raise ValidationError({"hours": f"服务时长须大于0且不超过{rules.MAX_HOURS_PER_RECORD}小时"})
    return hours


def record_add(*, actor, checkin: CheckIn, day: date, hours, content: str) -> ServiceRecord:
    """The community records a service activity of a confirmed member, with its hours."""
    _require(actor, checkin.community)
    hours = service_hours(hours)
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": "请填写服务内容"})
    today = timezone.localdate()
    if day > today or day.year < today.year - 1:
        raise ValidationError({"day": "日期须不晚于今天，且在去年或今年"})
    with transaction.atomic():
        record = record_service(checkin=checkin, day=day, hours=hours, content=content)
        audit.record("community.record_add", obj=record, user=actor, changes={"after": record.audit_snapshot()})
    return record


def record_service(*, checkin: CheckIn, day: date, hours: Decimal, content: str) -> ServiceRecord:
    """Write a service record and count it; the caller checked who may (the community recording
    it, or the member completing an ordered service) and holds the transaction."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.state != CheckInState.CONFIRMED:
        raise ValidationError("报到确认后才能记录服务")
    if checkin.decided_on and day < checkin.decided_on:
        raise ValidationError({"day": f"日期须在报到确认（{checkin.decided_on}）之后"})
    record = ServiceRecord.objects.create(checkin=checkin, member_id=checkin.member_id,
                                          community_id=checkin.community_id, unit_id=checkin.unit_id, day=day,
                                          hours=hours, content=content)
    _count(checkin, day, records=1, tenths=int(hours * 10))
    return record


def rating_record(*, actor, checkin: CheckIn, year: int, grade: str, comment: str = "") -> CheckInRating:
    """The community rates a member's year of service, once; the member's unit reads it."""
    _require(actor, checkin.community)
    if grade not in dict(rules.RATINGS):
        raise ValidationError({"grade": "评价等次不正确"})
    today = timezone.localdate()
    if not today.year - 1 <= year <= today.year:
        raise ValidationError({"year": "只能评价今年或去年"})
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if checkin.state == CheckInState.REQUESTED or checkin.state == CheckInState.REFUSED:
            raise ValidationError("未确认的报到不能评价")
        if checkin.decided_on and checkin.decided_on.year > year:
            raise ValidationError({"year": "该年度党员尚未报到"})
        if CheckInRating.objects.filter(checkin=checkin, year=year).exists():
            raise ValidationError({"year": f"{year}年度已评价"})
        rating = CheckInRating.objects.create(checkin=checkin, year=year, grade=grade, comment=(comment or "").strip())
        audit.record("community.rating_record", obj=rating, user=actor, changes={"after": rating.audit_snapshot()})
    return rating
