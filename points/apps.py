from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = "学习积分"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import register_rules
        from points import rules, summaries

        rules.register_local_defaults()
        register_rules(*rules.CATALOG)
        summaries.register()  # points per org, member and year and per org and year, kept by points.services.award
        # No menu entry of its own: points are shown beside the class hours on learning's pages
        # (learning.views links here), never instead of them.
