from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "述职评议"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_menu, register_rules
        from reviews.rules import CATALOG

        register_rules(*CATALOG)
        # No permissions of its own: oversight's (oversight.view to see rounds, oversight.change to
        # prepare, open and close them and to report and complete follow-ups). A reviewer needs no
        # role of its own: the entry shows to members and to whoever sees oversight.
        register_menu(MenuEntry(53, "述职评议", "reviews:home", "reviews", shown=_shown))


def _shown(scope) -> bool:
    # No query on every page: a reviewer is a member or holds a role that sees oversight
    # (reviews.services._reviewer_users); the home page lists what they have to rate.
    return bool(scope.member_id) or scope.has_any_org_perm("oversight.view")
