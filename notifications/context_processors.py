"""The unread count in the header: a callable, so the COUNT runs only where the base template
shows it (once, through ``{% with %}``), and only for a signed-in user who is not one of the
three administrators (三员分立: the message centre is a business page, out of their areas)."""

from functools import partial

from core.access import get_scope
from notifications.selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or get_scope(user).is_admin():
        return {}
    return {"notifications_inbox": True, "notifications_unread": partial(unread_count, user)}
