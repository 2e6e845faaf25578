"""Member workflows. One transaction each, with an audit entry; the ID number never reaches the
audit trail in clear."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from accounts.scope import get_scope
from core import audit, idcard
from members.models import Member, MemberEvent
from orgs.models import Org


def _require(actor, org: Org, perm: str) -> None:
    if not get_scope(actor).covers(org.path, perm):
        raise Http404


def record_event(*, member: Member, kind: str, summary: str, actor=None, occurred: date | None = None) -> MemberEvent:
    """One line on the member's timeline (记实). Call inside the service's transaction."""
    return MemberEvent.objects.create(member=member, kind=kind, summary=summary[:300], actor=actor,
                                      occurred=occurred or date.today())


def check_member_dates(*, birth: date, joined: date) -> None:
    if joined > date.today():
        raise ValidationError({"joined": "入党日期不能晚于今天"})
    age_at_join = joined.year - birth.year - ((joined.month, joined.day) < (birth.month, birth.day))
    if age_at_join < 18:
        raise ValidationError({"joined": "入党时须年满十八岁（《党章》第一条）"})


def member_create(*, actor, org: Org, name: str, id_number: str, status: str, joined: date) -> Member:
    """Gender and birth date come from the ID number (GB 11643)."""
    _require(actor, org, "member.change")
    try:
        number = idcard.validate(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    birth = idcard.birth_date(number)
    check_member_dates(birth=birth, joined=joined)
    member = Member(org=org, name=name.strip(), gender=idcard.gender(number), birth_date=birth,
                    status=status, joined=joined)
    member.set_id_number(number)
    if Member.objects.filter(id_number_index=member.id_number_index).exists():
        raise ValidationError({"id_number": "该身份证号已登记为党员"})
    try:
        with transaction.atomic():
            member.save()
            record_event(member=member, kind="create", summary=f"建立党员档案（{member.org.name}）",
                         actor=actor)
            audit.record("member.create", obj=member, changes={"after": member.audit_snapshot()})
    except IntegrityError as exc:
        raise ValidationError({"id_number": "该身份证号已登记为党员"}) from exc
    return member


def member_unmask(*, actor, member: Member) -> str:
    """The clear ID number, for roles allowed to see it; every view is audited."""
    _require(actor, member.org, "member.unmask")
    with transaction.atomic():
        audit.record("member.unmask", obj=member, changes={"field": "id_number"})
    return member.get_id_number()


def member_lookup(*, actor, id_number: str) -> Member | None:
    """Exact lookup of an ID number within the actor's scope, through the blind index.

    Every lookup is audited (a search by identity number is itself sensitive); the number is not."""
    try:
        number = idcard.validate(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    member = (
        Member.objects.visible_to(actor).select_related("org")
        .filter(id_number_index=Member.id_number_lookup(number)).first()
    )
    with transaction.atomic():
        if member is None:
            audit.record("member.lookup", object_type="members.member", changes={"found": False})
        else:
            audit.record("member.lookup", obj=member, changes={"found": True})
    return member
