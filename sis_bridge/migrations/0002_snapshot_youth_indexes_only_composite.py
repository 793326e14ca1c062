"""Drop the snapshot tables' single-column youth indexes: the (youth, school_year) and
(youth, entry_date) indexes serve every lookup by youth, and each index costs every row a
sync writes. Only the indexes go (CONCURRENTLY, so syncs and pages go on); the foreign keys
stay as they are, where Django's AlterField would drop and re-validate them."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "academicterm": "sis_bridge_academicterm_youth_id_497af46f",
    "enrollment": "sis_bridge_enrollment_youth_id_e96a3557",
    "transcriptcourse": "sis_bridge_transcriptcourse_youth_id_0e46f928",
}


def _drop(model: str, index: str) -> migrations.SeparateDatabaseAndState:
    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(
                model_name=model,
                name="youth",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="youth.youth",
                ),
            )
        ],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX CONCURRENTLY IF EXISTS "{index}"',
                reverse_sql=(
                    f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{index}" '
                    f'ON "sis_bridge_{model}" ("youth_id")'
                ),
            )
        ],
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("sis_bridge", "0001_initial"),
        ("youth", "0008_caseload_filter_indexes"),
    ]

    operations = [_drop(model, index) for model, index in INDEXES.items()]
