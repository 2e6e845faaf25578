"""Members whose outgoing letter to outside the platform was completed before "已转出" existed:
they left the platform's membership then, so their status says so now (letter_complete sets it
from here on). Only full and probationary members change; the archive is untouched otherwise."""

from django.db import migrations


def mark_moved_out(apps, schema_editor):
    Letter = apps.get_model("transfers", "Letter")
    Member = apps.get_model("members", "Member")
    member_ids = Letter.objects.filter(kind="outgoing", state="completed").values("member_id")
    Member.objects.filter(pk__in=member_ids, status__in=("full", "probationary")).update(status="moved_out")


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0002_certificate_close"),
        ("members", "0005_member_moved_out"),
    ]

    operations = [migrations.RunPython(mark_moved_out, migrations.RunPython.noop)]
