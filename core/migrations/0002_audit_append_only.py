"""Append-only audit trail at the database level (see core/audit_guard.py)."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    if settings.TESTING:
        return  # the test runner's flush must empty the table; trigger tests install it themselves
    from core import audit_guard

    audit_guard.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from core import audit_guard

    audit_guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
