from django.apps import AppConfig

from core.access import Role, register_role_permissions


class OrgsConfig(AppConfig):
    name = "orgs"

    def ready(self):
        register_role_permissions({
            Role.ORG_ADMIN: {"org.view", "org.change", "org.move"},
            Role.SECRETARY: {"org.view", "org.change"},
            Role.COMMISSIONER: {"org.view"},
        })
