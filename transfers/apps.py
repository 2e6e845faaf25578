from django.apps import AppConfig

from core.registry import MenuEntry, register_member_context, register_menu, register_rules


class TransfersConfig(AppConfig):
    name = "transfers"

    def ready(self):
        from transfers import summaries
        from transfers.rules import CATALOG  # it reads the models

        summaries.register()  # letters issued and received per org and month

        register_rules(*CATALOG)  # the rules page (orgs.views.rules)
        from transfers import selectors  # it reads the models

        register_menu(MenuEntry(40, "组织关系转接", "transfers:list", "transfers",
                                shown=lambda scope: scope.has_any_org_perm("member.view")))
        # The archive page of a member "已转出" shows the letter that took them off the platform.
        register_member_context("moved_out_letter", selectors.moved_out_letter_of)
