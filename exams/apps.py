from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "学习测试"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_menu
        from exams import summaries

        summaries.register()  # an exam's results per org, kept by exams.services.attempt_submit
        # learning's permissions (learning.view / learning.change): exams are part of learning.
        register_menu(MenuEntry(66, "学习测试", "exams:home", "exams",
                                shown=lambda scope: scope.has_any_org_perm("learning.view") or bool(scope.member_id)))
