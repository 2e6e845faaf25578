from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backups and restores, scheduled jobs, health and readiness, metrics."""

    name = "ops"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import register_system_panel
        from ops import selectors

        register_system_panel("ops/_backups.html", selectors.system_panel)
        register_system_panel("ops/_jobs.html", selectors.jobs_panel)
