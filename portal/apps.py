from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "资讯"

    def ready(self):
        # Channel grants are a grant tree like the org tree's: read through the user's scope.
        from core.access import GrantTree, register_tree
        from portal.models import CHANNEL_PERMISSIONS, channel_grants

        register_tree("channel", GrantTree("portal.Channel", CHANNEL_PERMISSIONS, channel_grants))
