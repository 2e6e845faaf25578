from django.apps import AppConfig


class FivegoodConfig(AppConfig):
    name = "fivegood"
    verbose_name = "五好党支部"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_menu, register_rules
        from fivegood import summaries
        from fivegood.rules import CATALOG

        register_rules(*CATALOG)
        summaries.register()  # assessed branches and their grades, exemplars, per org and year
        # The permissions are oversight's (督导考核): oversight.change for standards and the
        # branch's self-assessment, oversight.inspect for the upper level's assessment and exemplars.
        register_menu(MenuEntry(54, "五好党支部", "fivegood:home", "fivegood",
                                shown=lambda scope: scope.has_any_org_perm("oversight.view")))
