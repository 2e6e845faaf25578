from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dues"
    verbose_name = "党费"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.registry import MenuEntry, register_dues_paid_up_to, register_menu
        from dues import summaries  # it reads the models
        from dues.rules import LOCAL_DEFAULTS
        from orgs.rules import LOCAL_DEFAULTS as ORG_LOCAL_DEFAULTS

        summaries.register()  # members paid up to each month, money received per month
        from dues.services import paid_up_to_date

        register_dues_paid_up_to(paid_up_to_date)  # the transfer letter's 党费交至
        from dues.services import follow_members
        from members.signals import member_moved

        # A member who changes branch or status is followed by the arrears' counts (same transaction).
        member_moved.connect(follow_members, dispatch_uid="dues.follow_members")
        # The module's local rules join the inherited OrgSetting mechanism (orgs.rules.local_setting).
        for key, value in LOCAL_DEFAULTS.items():
            ORG_LOCAL_DEFAULTS.setdefault(key, value)
        register_menu(MenuEntry(45, "党费", "dues:home", "dues",
                                shown=lambda scope: scope.has_any_org_perm("member.view") or bool(scope.member_id)))
