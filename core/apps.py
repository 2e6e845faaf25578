from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from core import checks  # noqa: F401  (registers the deploy checks)
        from core.files import restrict_sqlite_files

        # Files at rest: the SQLite database (personal data) readable by the service's user only.
        connection_created.connect(restrict_sqlite_files, dispatch_uid="core.restrict_sqlite_files")
