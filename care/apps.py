from django.apps import AppConfig

from core.registry import MenuEntry, register_menu


class CareConfig(AppConfig):
    name = "care"

    def ready(self):
        register_menu(MenuEntry(30, "关怀帮扶", "care:list", "care",
                                shown=lambda scope: scope.has_any_org_perm("member.view")))
