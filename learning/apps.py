from django.apps import AppConfig

from core.access import Role, register_role_permissions
from core.registry import MenuEntry, register_menu, register_rules


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "学习教育与培训"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from learning import summaries  # it reads the models
        from learning.rules import CATALOG, register_local_defaults

        register_rules(*CATALOG)
        register_local_defaults()
        summaries.register()
        register_role_permissions({
            Role.ORG_ADMIN: {"learning.view", "learning.change"},
            Role.SECRETARY: {"learning.view", "learning.change"},
            Role.COMMISSIONER: {"learning.view", "learning.change"},
        })
        register_menu(MenuEntry(65, "学习培训", "learning:home", "learning",
                                shown=lambda scope: scope.has_any_org_perm("learning.view") or bool(scope.member_id)))
        from core.registry import BulletinSection, register_bulletin_section
        from learning.selectors import bulletin_part  # it reads the models

        # The figures it offers oversight's quarterly bulletin (季度通报).
        register_bulletin_section(BulletinSection("learning", 30, "党员学习教育", bulletin_part))
