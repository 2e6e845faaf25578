from django.db import migrations


def fill(apps, schema_editor):
    """The profile now counts each org's whole subtree: recomputed from the archive, by the same
    function as `dangjian summaries --rebuild` (rows that differ are corrected, the others kept)."""
    from core import summaries

    summaries.rebuild(["members.member_profile"])


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0010_memberprofile'),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
