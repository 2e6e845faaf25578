from django.apps import AppConfig
from django.db.backends.signals import connection_created

from core import checks  # noqa: F401  (registers the deploy checks)
from core.files import restrict_sqlite_files
from core.registry import MenuEntry, register_menu


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        # Files at rest: the SQLite database (personal data) readable by the service's user only.
        connection_created.connect(restrict_sqlite_files, dispatch_uid="core.restrict_sqlite_files")
        register_menu(
            MenuEntry(0, "首页", "core:home", "home", shown=lambda scope: True),
            MenuEntry(110, "审计日志", "core:audit_list", "audit", shown=lambda scope: scope.has_perm("audit.read")),
            MenuEntry(120, "系统配置", "core:system", "system",
                      shown=lambda scope: scope.has_perm("system.configure")),
        )
