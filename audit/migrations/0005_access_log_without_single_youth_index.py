"""Drop the access log's single-column youth index: access_by_youth (youth, -at) serves every
lookup by youth, and each index costs every entry written (one per record read or changed,
one per student a nightly sync pulls). Only the index goes (CONCURRENTLY, so pages go on
logging); the foreign key stays as it is, where Django's AlterField would drop and
re-validate it."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "audit_accesslogentry_youth_id_74e24227"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0004_access_log_refuses_changes"),
        ("youth", "0008_caseload_filter_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="youth",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="youth.youth",
                        verbose_name="youth",
                    ),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{INDEX}" '
                        'ON "audit_accesslogentry" ("youth_id")'
                    ),
                )
            ],
        )
    ]
