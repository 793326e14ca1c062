from django.db import migrations

from referrals.programs import load_programs


def load_directory(apps, schema_editor):
    load_programs(apps.get_model("referrals", "Program"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    # Reversing keeps the programs: referrals may point at them.
    operations = [migrations.RunPython(load_directory, migrations.RunPython.noop)]
