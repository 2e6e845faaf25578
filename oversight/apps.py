from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "督导考核"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.access import Role, register_role_permissions
        from core.registry import MenuEntry, register_menu, register_rules
        from oversight import summaries
        from oversight.rules import CATALOG

        register_rules(*CATALOG)
        summaries.register()  # teams, visits, problems, items opened and closed per org and month
        # oversight.inspect: start inspections of the subtree, record findings, accept or return
        # evidence; oversight.change: plans, teams, visits, and the rectifying org's evidence.
        register_role_permissions({
            Role.ORG_ADMIN: {"oversight.view", "oversight.change", "oversight.inspect"},
            Role.SECRETARY: {"oversight.view", "oversight.change", "oversight.inspect"},
            Role.COMMISSIONER: {"oversight.view", "oversight.change"},
        })
        register_menu(MenuEntry(52, "督导考核", "oversight:home", "oversight",
                                shown=lambda scope: scope.has_any_org_perm("oversight.view")))
        from core.registry import BulletinSection, register_bulletin_section
        from oversight.selectors import bulletin_part  # it reads the models

        # The figures it offers oversight's quarterly bulletin (季度通报).
        register_bulletin_section(BulletinSection("oversight", 40, "巡查整改", bulletin_part))
