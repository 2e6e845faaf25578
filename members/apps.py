from django.apps import AppConfig

from core.access import Role, register_role_permissions


class MembersConfig(AppConfig):
    name = "members"

    def ready(self):
        register_role_permissions({
            Role.ORG_ADMIN: {"member.view", "member.change", "member.export", "member.unmask"},
            Role.SECRETARY: {"member.view", "member.change", "member.export", "member.unmask"},
            Role.COMMISSIONER: {"member.view", "member.change", "member.export"},
        })
