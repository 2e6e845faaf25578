"""Reads of the members: the archive for the pages and the API alike (each through visible_to, so
what is out of the user's scope is simply not there), and what other apps' pages show — the org
pages' counts and member list (registered in ``members.apps`` as ``core.registry.OrgMembers``,
since orgs sits below members). Writes are in members.services."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum

from core.access import get_scope, subtrees_q
from core.errors import NotFound
from members.models import (
    ACTIVE_STATUSES,
    Appraisal,
    CorrectionRequest,
    FamilyMember,
    Hardship,
    Member,
    MemberCount,
    MemberDocument,
    MemberEvent,
    MemberStatus,
    Observation,
    PositionHeld,
    RewardPunishment,
    TravelAbroad,
)
from orgs.models import Org
from orgs.selectors import org_param, rollup


def subtree_figures(orgs, user) -> dict[int, dict[str, int]]:
    """Active members (正式 and 预备) of each listed org's subtree that ``user`` sees (at most two
    queries). Where the user's scope covers the org's whole archive (an admin's or secretary's
    grant) the figure is a sum over the summary table, one row per org and status; where it does
    not (a member shown their own branch sees their own record only) the visible members are
    counted — a few rows at most, and a figure is a channel too."""
    orgs = list(orgs)
    scope = get_scope(user)
    whole = [o for o in orgs if scope.covers(o.path, "member.view")]
    partial = [o for o in orgs if not scope.covers(o.path, "member.view")]
    figures = {}
    if whole:
        figures.update(rollup(whole, MemberCount.objects.filter(status__in=ACTIVE_STATUSES), "org__path",
                              {"members": Sum("total")}, group_by_prefix=True))
    if partial:
        figures.update(rollup(partial, Member.objects.visible_to(user).active(), "org__path", {"members": Count("id")}))
    return figures


def _counted(path: str):
    return MemberCount.objects.filter(subtrees_q("org__path", [path]))


def subtree_member_count(path: str) -> int:
    """Active members in the subtree at ``path``, from the summary table."""
    return _counted(path).filter(status__in=ACTIVE_STATUSES).aggregate(n=Sum("total"))["n"] or 0


def structure_counts(path: str) -> dict[str, int]:
    """Active and full members in the subtree at ``path`` (the branch size warnings)."""
    found = _counted(path).aggregate(
        members=Sum("total", filter=Q(status__in=ACTIVE_STATUSES)),
        full_members=Sum("total", filter=Q(status=MemberStatus.FULL)))
    return {name: value or 0 for name, value in found.items()}


def listed_total(user, filters: dict) -> int | None:
    """The member list's total from the summary table, without counting the archive: for the
    list filtered at most by org (within) and status, when the user's scope covers every archive it
    lists. None where the rows must be counted (a name, gender or category filter; a member, who
    sees their own record only)."""
    if any(value for name, value in filters.items() if name not in ("org", "status")):
        return None  # a name, gender, category (or any other) filter: the rows are counted
    scope = get_scope(user)
    paths = scope.paths_for("member.view")
    if not paths:
        return None
    if scope.member_id:  # the user's own record is visible too: is it among the granted?
        own = Member.objects.filter(pk=scope.member_id).values_list("org__path", flat=True).first()
        if own is not None and not scope.covers(own, "member.view"):
            return None
    if filters.get("org"):
        try:
            org = org_param(user, filters["org"])
        except (NotFound, ValidationError):
            return None  # the filter said so already, and lists nothing
        if org is None or not scope.covers(org.path, "member.view"):
            return None
        paths = [org.path]
    status = filters.get("status")
    statuses = ACTIVE_STATUSES if not status else (MemberStatus.values if status == "all" else [status])
    rows = MemberCount.objects.filter(subtrees_q("org__path", paths), status__in=statuses)
    return rows.aggregate(n=Sum("total"))["n"] or 0


def org_members(org, user):
    """The org's own active members that ``user`` sees, by name (the org page)."""
    return Member.objects.visible_to(user).filter(org=org).active().order_by("name")


def observed_on(day: date):
    """留党察看 records in force on ``day`` (Observation.covers)."""
    return Observation.objects.filter(starts_on__lte=day, ends_on__gt=day)


def voting_members(org, day: date):
    """The org's full members with the right to vote on ``day`` (细则第二十、二十一条): full members
    by then (not probationary: converted on or before the day), not under 留党察看 (党章第四十条).
    From the roster as the archive holds it."""
    return (Member.objects.filter(org=org, status=MemberStatus.FULL, joined__lte=day)
            .exclude(converted__gt=day)
            .exclude(pk__in=observed_on(day).values("member_id")))


def observation_on(member: Member, day: date):
    """The 留党察看 in force on ``day``, if any (shown beside the member's status)."""
    return observed_on(day).filter(member=member).order_by("-ends_on").first()


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
        "observations": scoped(Observation),
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


def own_member(user) -> Member | None:
    """The user's own member record (with its org), or None for a user who is no member."""
    member_id = get_scope(user).member_id
    return Member.objects.select_related("org").filter(pk=member_id).first() if member_id else None
