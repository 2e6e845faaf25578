"""The keyed audit chain (HMAC-SM3; core/audit.py): a key id on entries, signed anchors, and the
anchors' append-only triggers.

Entries already written keep their plain SM3 hashes; nothing is re-hashed. One signed anchor
records up to which entry that scheme is accepted (core.audit.seal_legacy_chain). SQLite rebuilds
a table to add a column, which drops its triggers: they are installed again at the end.
"""

from django.db import migrations, models


def seal_legacy_chain(apps, schema_editor):
    from core import audit

    audit.seal_legacy_chain(apps.get_model("core", "AuditEntry"), apps.get_model("core", "AuditAnchor"))


def install_guard(apps, schema_editor):
    from core import audit_guard

    audit_guard.install(schema_editor.connection)


def guard_entries_only(apps, schema_editor):
    # Backwards: as after migration 0002 (the entries' table may have been rebuilt without them).
    from core import audit_guard

    audit_guard.uninstall(schema_editor.connection)
    audit_guard.install_entries(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_calendar_2024_2026'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, guard_entries_only),
        migrations.AddField(
            model_name='auditanchor',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=16, verbose_name='签名密钥'),
        ),
        migrations.AddField(
            model_name='auditanchor',
            name='legacy_until',
            field=models.BigIntegerField(default=0, verbose_name='未加密钥的最后序号'),
        ),
        migrations.AddField(
            model_name='auditanchor',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='签名'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=16, verbose_name='签名密钥'),
        ),
        migrations.RunPython(seal_legacy_chain, migrations.RunPython.noop),
        migrations.RunPython(install_guard, guard_entries_only),
    ]
