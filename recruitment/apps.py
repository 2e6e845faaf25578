from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "发展党员"

    def ready(self):
        from recruitment import summaries

        summaries.register()  # cases per org, status and step (core.summaries)
