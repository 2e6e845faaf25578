from django.apps import AppConfig


class LaggingConfig(AppConfig):
    name = "lagging"
    verbose_name = "后进党组织整顿"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_menu, register_rules
        from lagging import summaries
        from lagging.rules import CATALOG

        register_rules(*CATALOG)
        summaries.register()  # cases found, closed and upgraded per org and year
        # The permissions are oversight's (督导考核 module): oversight.inspect strictly above an org
        # lists it, plans and closes; oversight.change on the org marks its tasks done.
        register_menu(MenuEntry(55, "后进整顿", "lagging:home", "lagging",
                                shown=lambda scope: scope.has_any_org_perm("oversight.view")))
