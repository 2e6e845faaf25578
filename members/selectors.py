"""Reads of the archive for the pages and the API alike: each goes through visible_to, so what is
out of the user's scope is simply not there. Writes are in members.services."""

from members.models import (
    ACTIVE_STATUSES,
    Appraisal,
    CorrectionRequest,
    FamilyMember,
    Hardship,
    Member,
    MemberDocument,
    MemberEvent,
    MemberStatus,
    PositionHeld,
    RewardPunishment,
    TravelAbroad,
)
from orgs.models import Org


def member_records(user, member: Member, model):
    """One kind of the member's archive records (a model of members.services.RECORD_MODELS)."""
    return model.objects.visible_to(user).filter(member=member)


def documents(user, member: Member):
    return MemberDocument.objects.visible_to(user).filter(member=member).select_related("uploaded_by")


def events(user, member: Member):
    """The member's timeline (记实), newest first (the model's ordering)."""
    return MemberEvent.objects.visible_to(user).filter(member=member).select_related("actor")


def records(user, member: Member) -> dict:
    """Every record of the archive at once, as the API's RecordsOut lists them (the latest 200
    timeline lines)."""
    def scoped(model):
        return list(member_records(user, member, model))

    return {
        "positions": scoped(PositionHeld), "rewards": scoped(RewardPunishment), "family": scoped(FamilyMember),
        "travels": scoped(TravelAbroad), "hardships": scoped(Hardship), "appraisals": scoped(Appraisal),
        "documents": list(documents(user, member)),
        "events": list(events(user, member)[:200]),
    }


def corrections(user, member: Member):
    """The member's correction requests (a member sees their own)."""
    return (CorrectionRequest.objects.visible_to(user).filter(member=member)
            .select_related("member", "decided_by"))


def pending_corrections(user):
    """Pending requests of the members the user may change (the branch secretary's inbox), oldest
    first."""
    return (CorrectionRequest.objects.visible_to(user, "change")
            .filter(status=CorrectionRequest.Status.PENDING).select_related("member__org")
            .order_by("created", "pk"))


def moved_out_letter(user, member: Member):
    """The letter that took a member "已转出" out of the platform (transfers depends on members,
    so the import is here, not at the top)."""
    if member.status != MemberStatus.MOVED_OUT:
        return None
    from transfers.selectors import moved_out_letter

    return moved_out_letter(user, member)


def roster(user, org: Org):
    """The org's own active members (not its sub-orgs'), by pinyin, for the printed roster."""
    return (Member.objects.visible_to(user).filter(org=org, status__in=ACTIVE_STATUSES)
            .select_related("group").order_by("name_pinyin", "name", "pk"))
