from django.apps import AppConfig

from core.access import Role, register_role_permissions
from core.registry import MenuEntry, register_menu, register_rules


class OrglifeConfig(AppConfig):
    name = "orglife"
    verbose_name = "组织生活（三会一课纪实）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from orglife.rules import CATALOG  # it reads the models

        register_rules(*CATALOG)  # the rules page (orgs.views.rules)
        from orglife import summaries  # it reads the models
        from orglife.rules import register_local_defaults  # it reads the models

        # The module's local rules join the inherited OrgSetting mechanism (orgs.rules.local_setting).
        register_local_defaults()
        summaries.register()  # the meetings held per org, kind and month (core.summaries)
        register_role_permissions({
            Role.ORG_ADMIN: {"orglife.view", "orglife.change", "orglife.review"},
            Role.SECRETARY: {"orglife.view", "orglife.change"},
            Role.COMMISSIONER: {"orglife.view", "orglife.change"},
        })
        # A member sees the meetings they are listed for.
        from notifications import reminders
        from orglife.selectors import due_reminders  # it reads the models

        reminders.register(due_reminders)  # `dangjian notifications remind` (issue 15.3)
        register_menu(MenuEntry(60, "组织生活", "orglife:list", "orglife",
                                shown=lambda scope: scope.has_any_org_perm("orglife.view") or bool(scope.member_id)))
        from core.registry import BulletinSection, register_bulletin_section
        from orglife.selectors import bulletin_part  # it reads the models

        # The figures it offers oversight's quarterly bulletin (季度通报).
        register_bulletin_section(BulletinSection("orglife", 10, "“三会一课”落实情况", bulletin_part))
