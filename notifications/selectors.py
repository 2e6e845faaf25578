"""Reading messages: always the user's own (``recipient=user``); anyone else's is 404."""

from django.shortcuts import get_object_or_404

from notifications.models import Kind, Notification, NotificationPreference


def inbox(user):
    """The user's messages, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created", "-pk")


def unread_count(user) -> int:
    """One COUNT on the (recipient, read_at, -created) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def own(user, pk: int) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=user)


def preferences(user) -> list[tuple[str, str, bool, bool]]:
    """(kind, label, in the platform, by email) for every kind, defaults where unset."""
    chosen = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    return [(kind.value, kind.label, chosen[kind].in_platform if kind in chosen else True,
             chosen[kind].email if kind in chosen else False) for kind in Kind]
