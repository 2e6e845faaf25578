from django.apps import AppConfig


class RegionalConfig(AppConfig):
    name = "regional"
    verbose_name = "区域化党建"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.access import Role, register_role_permissions
        from core.registry import MenuEntry, register_menu
        from regional import summaries

        summaries.register()  # each building's coverage, kept by regional.services
        summaries.register_cobuilding()  # expanded committees' seats, meetings, lists (regional.cobuilding)
        summaries.register_villages()  # difficult villages marked, paired, graded (regional.villages)
        from orgs.rules import LOCAL_DEFAULTS as ORG_LOCAL_DEFAULTS
        from regional.rules import LOCAL_DEFAULTS

        for key, value in LOCAL_DEFAULTS.items():
            ORG_LOCAL_DEFAULTS.setdefault(key, value)
        register_role_permissions({
            Role.ORG_ADMIN: {"regional.view", "regional.change"},
            Role.SECRETARY: {"regional.view", "regional.change"},
            Role.COMMISSIONER: {"regional.view"},
        })
        register_menu(MenuEntry(48, "区域化党建", "regional:home", "regional",
                                shown=lambda scope: scope.has_any_org_perm("regional.view")))
