from django.apps import AppConfig

from core.access import Role
from core.registry import MenuEntry, register_menu


class DangjianConfig(AppConfig):
    """The project package as an app: the composition root. It alone may import every app; it
    holds the commands that span them (``dangjian demo``, ``dangjian bench``), the home page, the
    API's assembly and the test world."""

    name = "dangjian"
    label = "dangjian"

    def ready(self):
        # The API connects an organization department's other systems to the platform: its docs
        # are in the menu of the org admins who do that, not of branch roles, members, editors or 三员.
        register_menu(MenuEntry(130, "接口文档", "/api/v1/docs", "api",
                                shown=lambda scope: Role.ORG_ADMIN in scope.roles()))
