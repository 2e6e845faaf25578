from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "承诺践诺与设岗定责"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_menu, register_rules
        from pledges import summaries
        from pledges.rules import CATALOG

        register_rules(*CATALOG)
        summaries.register()  # pledges and fulfilment records per org and year, kept by pledges.services
        # learning's permissions (learning.view / learning.change): pledges are part of member education.
        register_menu(MenuEntry(68, "承诺践诺", "pledges:home", "pledges",
                                shown=lambda scope: scope.has_any_org_perm("learning.view") or bool(scope.member_id)))
