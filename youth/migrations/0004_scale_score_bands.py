from django.db import migrations

from youth.basic_skills import DEFAULT_BANDS


def load_bands(apps, schema_editor):
    band = apps.get_model("youth", "ScaleScoreBand")
    for row in DEFAULT_BANDS:
        band.objects.get_or_create(
            test=row.test,
            subject=row.subject,
            level=row.level,
            defaults={"low": row.low, "high": row.high, "grade_range": row.grade_range},
        )


class Migration(migrations.Migration):
    dependencies = [("youth", "0003_assessments")]

    operations = [migrations.RunPython(load_bands, migrations.RunPython.noop)]
