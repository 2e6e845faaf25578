from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "orglife"
    verbose_name = "组织生活（三会一课纪实）"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The module's local rules join the inherited OrgSetting mechanism (orgs.rules.local_setting).
        from orglife import summaries
        from orglife.rules import register_local_defaults

        register_local_defaults()
        summaries.register()  # the meetings held per org, kind and month (core.summaries)
