from django.apps import AppConfig

from core.access import Role, register_role_permissions
from core.registry import MenuEntry, register_menu, register_rules


class OrgsConfig(AppConfig):
    name = "orgs"

    def ready(self):
        from orgs.rules import CATALOG  # it reads the models

        register_rules(*CATALOG)  # the rules page (orgs.views.rules)
        register_role_permissions({
            Role.ORG_ADMIN: {"org.view", "org.change", "org.move"},
            Role.SECRETARY: {"org.view", "org.change"},
            Role.COMMISSIONER: {"org.view"},
        })
        # A member sees their own branch's page.
        register_menu(MenuEntry(10, "党组织", "orgs:tree", "orgs",
                                shown=lambda scope: scope.has_any_org_perm("org.view") or bool(scope.member_org_id)))
