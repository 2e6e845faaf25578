"""Writing messages (issue 15.3). ``notify`` is called by the other apps' services inside their
own transaction: the rows commit or roll back with the event they tell of. Email, where the user
chose it and SMTP is configured (settings.EMAIL_HOST), is sent only after the commit, and a mail
server that does not answer loses the email, never the event (``fail_silently``).

Preferences: a kind a user switched off in the platform writes no row for that user (rather than
a hidden one), so the unread count stays one indexed COUNT."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import Grant, User
from core.access import Role
from notifications.models import Kind, Notification, NotificationPreference

# Who is told of an org's work: the holders of these roles on the org (see ``org_officers``).
OFFICER_ROLES = (Role.SECRETARY, Role.COMMISSIONER, Role.ORG_ADMIN)


def org_officers(org) -> list[int]:
    """The users told of work waiting at ``org``: those holding an officer role on the org
    itself; where nobody does, on its nearest ancestor where somebody does (the grant that
    covers the org from closest above — a branch without its own accounts is run from its
    committee). One query."""
    rows = Grant.objects.filter(org__path__in=org.ancestor_paths(), role__in=OFFICER_ROLES,
                                user__is_active=True).values_list("user_id", "org__path")
    by_path: dict[str, list[int]] = {}
    for user_id, path in rows:
        by_path.setdefault(path, []).append(user_id)
    if not by_path:
        return []
    return sorted(set(by_path[max(by_path, key=len)]))


def _choices(user_ids: list[int], kind: str) -> dict[int, NotificationPreference]:
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)}


def email_configured() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


def notify(*, recipients: Iterable, kind: str, title: str, link: str, day: date | None = None) -> list[Notification]:
    """One message of ``kind`` to each recipient (users or user ids; duplicates and None left
    out), as each chose: a row in the platform unless switched off, an email after the commit
    if chosen and configured. ``day`` marks a reminder: one per recipient, kind, link and day."""
    ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not ids:
        return []
    choices = _choices(ids, kind)
    title, link = title[:200], link[:300]
    rows = [Notification(recipient_id=i, kind=kind, title=title, link=link, day=day)
            for i in ids if choices.get(i) is None or choices[i].in_platform]
    if day is not None:  # a reminder already written today is not written again
        done = set(Notification.objects.filter(recipient_id__in=ids, kind=kind, link=link, day=day)
                   .values_list("recipient_id", flat=True))
        rows = [row for row in rows if row.recipient_id not in done]
        ids = [i for i in ids if i not in done]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=day is not None)
    mailed = [i for i in ids if i in choices and choices[i].email]
    if mailed and email_configured():
        transaction.on_commit(lambda: _send(mailed, kind, title, link))
    return created


def _send(user_ids: list[int], kind: str, title: str, link: str) -> None:
    addresses = list(User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
                     .values_list("email", flat=True))
    if not addresses:
        return
    base = getattr(settings, "SITE_URL", "")
    body = f"{title}\n\n{base}{link}\n\n（基层党建数字化平台 · {Kind(kind).label}；可在“消息设置”中关闭邮件）"
    for address in addresses:  # one each: no recipient sees the others' addresses
        send_mail(f"[基层党建] {title}", body, None, [address], fail_silently=True)


def remind(*, today: date | None = None, days: int = 7) -> int:
    """The daily reminders (`dangjian notifications remind`): what each registered source
    (``notifications.reminders``) finds due, one message per recipient, kind, link and day."""
    from notifications import reminders

    today = today or timezone.localdate()
    written = 0
    for source in reminders.SOURCES:
        for reminder in source(today=today, days=days):
            with transaction.atomic():
                written += len(notify(recipients=reminder.recipients, kind=reminder.kind, title=reminder.title,
                                      link=reminder.link, day=today))
    return written


def notification_open(*, user, notification: Notification) -> Notification:
    """The recipient opens a message: marked read (once)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, user) -> int:
    """Every unread message of the user marked read; how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preferences_save(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """The user's choice per kind: (in the platform, by email)."""
    with transaction.atomic():
        for kind, (in_platform, email) in choices.items():
            Kind(kind)  # ValueError on an unknown kind
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_platform": in_platform, "email": email})
