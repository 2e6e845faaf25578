"""The unread count in the header: a callable, so the COUNT runs only where the base template
shows it (once, through ``{% with %}``), and only for a signed-in user."""

from functools import partial

from notifications.selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": partial(unread_count, user)}
