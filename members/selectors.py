"""Reads of the members: the archive for the pages and the API alike (each through visible_to, so
what is out of the user's scope is simply not there), and what other apps' pages show — the org
pages' counts and member list (registered in ``members.apps`` as ``core.registry.OrgMembers``,
since orgs sits below members). Writes are in members.services."""

from django.db.models import Count, Q

from core.access import subtrees_q
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
from orgs.selectors import rollup


def subtree_figures(orgs, user) -> dict[int, dict[str, int]]:
    """Active members (正式 and 预备) of each listed org's subtree that ``user`` sees (one query)."""
    return rollup(orgs, Member.objects.visible_to(user).active(), "org__path", {"members": Count("id")})


def subtree_member_count(path: str) -> int:
    return Member.objects.active().filter(subtrees_q("org__path", [path])).count()


def structure_counts(path: str) -> dict[str, int]:
    """Active and full members in the subtree at ``path`` (the branch size warnings)."""
    return Member.objects.active().filter(subtrees_q("org__path", [path])).aggregate(
        members=Count("id"), full_members=Count("id", filter=Q(status=MemberStatus.FULL))
    )


def org_members(org, user):
    """The org's own active members that ``user`` sees, by name (the org page)."""
    return Member.objects.visible_to(user).filter(org=org).active().order_by("name")


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


def roster(user, org: Org):
    """The org's own active members (not its sub-orgs'), by pinyin, for the printed roster."""
    return (Member.objects.visible_to(user).filter(org=org, status__in=ACTIVE_STATUSES)
            .select_related("group").order_by("name_pinyin", "name", "pk"))
