from django.apps import AppConfig

from core.access import Role, register_role_permissions


class RecruitmentConfig(AppConfig):
    name = "recruitment"

    def ready(self):
        register_role_permissions({
            Role.ORG_ADMIN: {"recruitment.view", "recruitment.change", "recruitment.approve"},
            Role.SECRETARY: {"recruitment.view", "recruitment.change"},
            Role.COMMISSIONER: {"recruitment.view", "recruitment.change"},
        })
