from django.apps import AppConfig

from core.registry import MenuEntry, register_menu


class CareConfig(AppConfig):
    name = "care"

    def ready(self):
        from care import summaries
        from care.services import follow_members
        from members.signals import member_moved

        summaries.register()  # visits per org and month
        # A transferred member's visits are counted at the new org (same transaction).
        member_moved.connect(follow_members, dispatch_uid="care.follow_members")
        register_menu(MenuEntry(30, "关怀帮扶", "care:list", "care",
                                shown=lambda scope: scope.has_any_org_perm("member.view")))
