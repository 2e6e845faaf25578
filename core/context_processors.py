"""The left navigation, built from what the user's scope allows: each app registers its entries
(``core.registry.register_menu``) in its AppConfig.ready()."""

from core.access import get_scope
from core.registry import menu_items, user_labels


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = get_scope(user)
    items = menu_items(scope)
    parts = request.path.strip("/").split("/")
    # An entry may stand for a page under another's section ("insights/dashboard" beside "insights").
    section = "home" if request.path == "/" else next(
        (key for _label, _url, key in items if key == "/".join(parts[:2])), parts[0])
    role_label = "，".join(filter(None, [scope.role_label(), *user_labels(user)]))
    return {"nav_items": items, "nav_section": section, "user_scope": scope, "user_role_label": role_label}
