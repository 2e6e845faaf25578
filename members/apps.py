from django.apps import AppConfig

from core.access import Role, register_role_permissions
from core.registry import MenuEntry, OrgMembers, register_menu, register_org_members, register_rules


class MembersConfig(AppConfig):
    name = "members"

    def ready(self):
        from members.rules import CATALOG  # it reads the models

        register_rules(*CATALOG)  # the rules page (orgs.views.rules)
        from members import selectors, summaries  # they read the models

        summaries.register()  # members per org and status (core.summaries)

        register_role_permissions({
            Role.ORG_ADMIN: {"member.view", "member.change", "member.export", "member.unmask"},
            Role.SECRETARY: {"member.view", "member.change", "member.export", "member.unmask"},
            Role.COMMISSIONER: {"member.view", "member.change", "member.export"},
        })
        register_menu(
            MenuEntry(20, "党员", "members:list", "members", shown=lambda scope: scope.has_any_org_perm("member.view")),
            MenuEntry(70, "档案更正申请", "members:corrections", "corrections",
                      shown=lambda scope: scope.has_any_org_perm("member.change")),
            MenuEntry(80, "我的档案", "members:detail", "me", shown=lambda scope: bool(scope.member_id),
                      args=lambda scope: [scope.member_id]),
        )
        # The org pages count and list the members through this (orgs sits below members).
        register_org_members(OrgMembers(
            per_subtree=selectors.subtree_figures, subtree_total=selectors.subtree_member_count,
            structure=selectors.structure_counts, listed=selectors.org_members,
        ))
