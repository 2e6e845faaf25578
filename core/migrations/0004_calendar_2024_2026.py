"""The State Council's holiday schedules for 2024–2026 (core/holidays.py holds the data)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.holidays import load_official

    load_official(apps.get_model("core", "WorkCalendarDay"))


def backwards(apps, schema_editor):
    apps.get_model("core", "WorkCalendarDay").objects.filter(date__year__in=[2024, 2025, 2026]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_workcalendarday")]

    operations = [migrations.RunPython(forwards, backwards)]
