from django.db import migrations

from centers.seed import load_youthsource_centers


def load_centers(apps, schema_editor):
    load_youthsource_centers(apps.get_model("centers", "Center"))


class Migration(migrations.Migration):
    dependencies = [("centers", "0001_initial")]

    # Reversing keeps the centers: staff memberships may point at them.
    operations = [migrations.RunPython(load_centers, migrations.RunPython.noop)]
