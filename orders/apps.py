from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "群众点单"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_menu, register_rules
        from orders import summaries
        from orders.rules import CATALOG

        register_rules(*CATALOG)
        summaries.register()  # orders per community and month, kept by orders.services
        # regional's permissions (regional.view / regional.change): ordered services are regional party building.
        register_menu(MenuEntry(49, "群众点单", "orders:home", "orders",
                                shown=lambda scope: scope.has_any_org_perm("regional.view") or bool(scope.member_id)))
        from core.registry import BulletinSection, register_bulletin_section
        from orders.selectors import bulletin_part  # it reads the models

        # The figures it offers oversight's quarterly bulletin (季度通报).
        register_bulletin_section(BulletinSection("orders", 60, "群众点单服务", bulletin_part))
