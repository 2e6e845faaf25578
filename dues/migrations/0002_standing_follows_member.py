from django.db import migrations
from django.db.models import OuterRef, Subquery


def follow(apps, schema_editor):
    """Existing installs: each standing counted at its member's current org, and the arrears'
    counts recomputed (members who left no longer count) by `dangjian summaries --rebuild`'s
    function."""
    from core import summaries

    DuesStanding = apps.get_model("dues", "DuesStanding")
    Member = apps.get_model("members", "Member")
    DuesStanding.objects.update(org_id=Subquery(Member.objects.filter(pk=OuterRef("member_id")).values("org_id")[:1]))
    summaries.rebuild(["dues.paid_count"])


class Migration(migrations.Migration):

    dependencies = [
        ("dues", "0001_initial"),
        ("members", "0011_memberprofile_subtree"),
    ]

    operations = [
        migrations.RunPython(follow, migrations.RunPython.noop),
    ]
