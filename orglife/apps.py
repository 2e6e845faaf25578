from django.apps import AppConfig

from core.access import Role, register_role_permissions


class OrglifeConfig(AppConfig):
    name = "orglife"
    verbose_name = "组织生活（三会一课纪实）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from orglife.rules import register_local_defaults  # it reads the models

        # The module's local rules join the inherited OrgSetting mechanism (orgs.rules.local_setting).
        register_local_defaults()
        register_role_permissions({
            Role.ORG_ADMIN: {"orglife.view", "orglife.change", "orglife.review"},
            Role.SECRETARY: {"orglife.view", "orglife.change"},
            Role.COMMISSIONER: {"orglife.view", "orglife.change"},
        })
