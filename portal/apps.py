from django.apps import AppConfig

from core.access import GrantTree, register_tree
from core.registry import MenuEntry, register_menu, register_user_labels


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "资讯"

    def ready(self):
        from portal.models import (  # models load after the app configs
            CHANNEL_PERMISSIONS,
            channel_grants,
            channel_role_labels,
        )

        # Channel grants are a grant tree like the org tree's: read through the user's scope.
        register_tree("channel", GrantTree("portal.Channel", CHANNEL_PERMISSIONS, channel_grants))
        register_menu(MenuEntry(90, "资讯编辑", "portal:editor", "news",
                                shown=lambda scope: scope.tree("channel").holds("portal.edit")))
        register_user_labels("channel", channel_role_labels)
