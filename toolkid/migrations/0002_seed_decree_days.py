"""Seed the editable decree days (L1) from the calendar module's defaults."""

from django.db import migrations


def seed(apps, schema_editor):
    from toolkid.workdays import DEFAULT_DECREE_DAYS

    DecreeDay = apps.get_model("toolkid", "DecreeDay")
    for day, description in DEFAULT_DECREE_DAYS.items():
        DecreeDay.objects.get_or_create(date=day, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("toolkid", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
