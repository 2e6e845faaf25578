"""Reads for the transfer pages and the API: letters and certificates in the user's scope, and the
warnings the sending orgs must act on."""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.access import get_scope
from members.models import MemberStatus
from transfers import rules
from transfers.models import Letter, LetterKind, LetterState, MobileCertificate


def letters(user, action: str = "view"):
    """Letters whose sending or receiving org the user covers, with what the lists show."""
    return Letter.objects.visible_to(user, action).select_related("member", "from_org", "to_org")


def letter_sides(user, letter: Letter) -> dict[str, bool]:
    """Which side(s) of the letter the user acts for."""
    scope = get_scope(user)
    return {
        "sender": bool(letter.from_org and scope.covers(letter.from_org.path, "member.change")),
        "receiver": bool(letter.to_org and scope.covers(letter.to_org.path, "member.change")),
        "sender_view": bool(letter.from_org and scope.covers(letter.from_org.path, "member.view")),
    }


def _not_superseded():
    """The member's latest letter: nothing issued for them after it."""
    later = Letter.objects.filter(member=OuterRef("member"), pk__gt=OuterRef("pk"))
    return ~Exists(later)


def overdue_letters(user, today: date | None = None):
    """Sent letters past their validity without receipt (expired, marked or not), the member's
    latest, as far as the user covers the sending org."""
    today = today or timezone.localdate()
    scope = get_scope(user)
    return (
        Letter.objects.filter(scope.org_q("from_org__path", "member.view"))
        .filter(Q(state=LetterState.EXPIRED) | Q(state=LetterState.ISSUED, valid_until__lt=today))
        .filter(_not_superseded())
        .select_related("member", "from_org", "to_org").order_by("issued_on", "pk")
    )


def not_reported_letters(user, today: date | None = None):
    """rules.md §6: members whose letter is 6 months old with no receipt (handled as left)."""
    return overdue_letters(user, today).filter(issued_on__lte=rules.not_reported_cutoff(today))


def pending_archive_letters(user):
    """Members transferred outside the platform whose receipt came back: for the archive team."""
    scope = get_scope(user)
    return (
        Letter.objects.filter(scope.org_q("from_org__path", "member.view"))
        .filter(kind=LetterKind.OUTGOING, state=LetterState.COMPLETED)
        .select_related("member", "from_org").order_by("receipt_returned", "pk")
    )


def moved_out_letter(user, member) -> Letter | None:
    """The completed outgoing letter that took the member out of the platform, if the user sees it."""
    return (Letter.objects.visible_to(user).filter(member=member, kind=LetterKind.OUTGOING,
                                                   state=LetterState.COMPLETED).order_by("-pk").first())


def moved_out_letter_of(user, member) -> Letter | None:
    """The member page's letter (``core.registry.register_member_context``): only for a member
    "已转出"."""
    if member.status != MemberStatus.MOVED_OUT:
        return None
    return moved_out_letter(user, member)


def certificates(user):
    return MobileCertificate.objects.visible_to(user).select_related("member", "member__org")


def expiring_certificates(user, today: date | None = None):
    today = today or timezone.localdate()
    soon = date.fromordinal(today.toordinal() + rules.CERTIFICATE_WARNING_DAYS)
    renewed = MobileCertificate.objects.filter(member=OuterRef("member"), valid_until__gt=OuterRef("valid_until"))
    return (certificates(user).filter(valid_until__lte=soon, closed_on__isnull=True).filter(~Exists(renewed))
            .order_by("valid_until", "pk"))


def warnings(user, today: date | None = None) -> list[rules.Warning]:
    today = today or timezone.localdate()
    found = []
    for letter in overdue_letters(user, today):
        found += rules.letter_warnings(letter, today=today)
    for certificate in expiring_certificates(user, today):
        found += rules.certificate_warnings(certificate, today=today)
    return sorted(found, key=lambda w: w.level != "red")
