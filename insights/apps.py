from django.apps import AppConfig

from core.registry import MenuEntry, register_menu, register_rules


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "智能分析（工作台、预警、健康指数、数据看板、大屏）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from insights.rules import CATALOG, register_local_defaults  # it reads the models

        register_rules(*CATALOG)  # the rules page (orgs.views.rules)
        # The health index's weights join the inherited OrgSetting mechanism (orgs.rules.local_setting).
        register_local_defaults()
        register_menu(MenuEntry(15, "预警", "insights:warnings", "insights",
                                shown=lambda scope: scope.has_any_org_perm("orglife.view")))
        register_menu(MenuEntry(16, "数据看板", "insights:dashboard", "insights/dashboard",
                                shown=lambda scope: scope.has_any_org_perm("orglife.view")))
