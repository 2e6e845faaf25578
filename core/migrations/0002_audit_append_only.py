"""Append-only audit trail at the database level (see core/audit_guard.py), in every database:
the test suite's too (conftest.py takes the triggers off only around the flush of transactional
tests)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from core import audit_guard

    audit_guard.install_entries(schema_editor.connection)


def backwards(apps, schema_editor):
    from core import audit_guard

    audit_guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
