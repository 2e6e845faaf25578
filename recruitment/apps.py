from django.apps import AppConfig

from core.access import Role, register_role_permissions
from core.registry import MenuEntry, register_menu, register_rules


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "发展党员"

    def ready(self):
        from recruitment.rules import CATALOG  # it reads the models

        register_rules(*CATALOG)  # the rules page (orgs.views.rules)
        from recruitment import summaries  # it reads the models

        summaries.register()  # cases per org, status and step (core.summaries)
        register_role_permissions({
            Role.ORG_ADMIN: {"recruitment.view", "recruitment.change", "recruitment.approve"},
            Role.SECRETARY: {"recruitment.view", "recruitment.change"},
            Role.COMMISSIONER: {"recruitment.view", "recruitment.change"},
        })
        from notifications import reminders
        from recruitment.selectors import due_reminders  # it reads the models

        reminders.register(due_reminders)  # `dangjian notifications remind` (issue 15.3)
        register_menu(MenuEntry(50, "发展党员", "recruitment:list", "recruitment",
                                shown=lambda scope: scope.has_any_org_perm("recruitment.view")))
        from core.registry import BulletinSection, register_bulletin_section
        from recruitment.selectors import bulletin_part  # it reads the models

        # The figures it offers oversight's quarterly bulletin (季度通报).
        register_bulletin_section(BulletinSection("recruitment", 20, "发展党员工作", bulletin_part))
