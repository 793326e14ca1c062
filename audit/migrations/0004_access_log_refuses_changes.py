"""The access log refuses UPDATE and DELETE whatever the session says.

The pgtrigger `append_only` trigger of 0002 checks the `pgtrigger.ignore` session setting first,
so `pgtrigger.ignore()` (or a raw `SET pgtrigger.ignore`) on the application's own connection
switches it off. This plain trigger checks nothing: only a role that may ALTER the table (its
owner or a superuser) can get past it, and the application should not run as one.

Only the "view" permission is kept: the add, change and delete permissions made by earlier
post-migrate runs are removed, so no group or user can be granted them.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_access_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused on %', TG_OP, TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_access_log_refuse_change
    BEFORE UPDATE OR DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_access_log_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_access_log_refuse_change ON audit_accesslogentry;
DROP FUNCTION IF EXISTS audit_access_log_refuse_change();
"""


def remove_write_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="audit",
        content_type__model="accesslogentry",
        codename__in=[
            "add_accesslogentry",
            "change_accesslogentry",
            "delete_accesslogentry",
        ],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_audit_account_actions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="accesslogentry",
            options={
                "default_permissions": ("view",),
                "ordering": ["-at"],
                "verbose_name": "access log entry",
                "verbose_name_plural": "access log",
            },
        ),
        migrations.RunSQL(CREATE, DROP),
        migrations.RunPython(remove_write_permissions, migrations.RunPython.noop),
    ]
