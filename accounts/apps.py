from django.apps import AppConfig

from core.access import ROLE_PERMISSIONS, GrantTree, register_tree
from core.registry import MenuEntry, register_menu


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts.models import org_grants  # models load after the app configs

        # The org tree's grants (accounts.Grant) are read through the user's scope, like the
        # portal's channel grants; what each role may do there the apps register themselves.
        register_tree("org", GrantTree("orgs.Org", ROLE_PERMISSIONS, org_grants))
        register_menu(MenuEntry(100, "账号与授权", "accounts:user_list", "accounts",
                                shown=lambda scope: scope.has_perm("accounts.manage")))
