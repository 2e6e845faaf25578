from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "在职党员到社区报到"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from community import summaries
        from community.rules import CATALOG
        from core.registry import MenuEntry, register_menu, register_rules

        register_rules(*CATALOG)
        summaries.register()  # check-ins and service per org, role and month, kept by community.services
        # regional's permissions (regional.view / regional.change): check-in is regional party building.
        register_menu(MenuEntry(49, "社区报到", "community:home", "community",
                                shown=lambda scope: scope.has_any_org_perm("regional.view") or bool(scope.member_id)))
        from community.selectors import bulletin_part  # it reads the models
        from core.registry import BulletinSection, register_bulletin_section

        # The figures it offers oversight's quarterly bulletin (季度通报).
        register_bulletin_section(BulletinSection("community", 50, "在职党员到社区报到", bulletin_part))
