from django.apps import AppConfig


class SoeConfig(AppConfig):
    name = "soe"
    verbose_name = "国企党建台账"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import (
            BulletinSection,
            MenuEntry,
            register_bulletin_section,
            register_menu,
            register_rules,
        )
        from soe.rules import CATALOG
        from soe.selectors import bulletin_part  # it reads the models

        register_rules(*CATALOG)
        # The work belongs to oversight (督导考核): its permissions say who divides tasks (oversight.change
        # on the dividing org) and who reports a share's progress (oversight.change on the SOE's committee).
        register_menu(MenuEntry(56, "国企党建台账", "soe:home", "soe",
                                shown=lambda scope: scope.has_any_org_perm("oversight.view")))
        # The figures it offers oversight's quarterly bulletin (季度通报).
        register_bulletin_section(BulletinSection("soe", 45, "国企党建工作台账", bulletin_part))
