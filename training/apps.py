from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "集中学习与培训"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_menu, register_rules
        from training import summaries
        from training.rules import CATALOG

        register_rules(*CATALOG)
        summaries.register()  # group studies, attendances and training person-times per org and month
        # learning's permissions (learning.view / learning.change): training is part of learning.
        register_menu(MenuEntry(67, "集中学习与培训", "training:home", "training",
                                shown=lambda scope: scope.has_any_org_perm("learning.view") or bool(scope.member_id)))
