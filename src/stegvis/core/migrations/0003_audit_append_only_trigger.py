"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log.

TRUNCATE is left to the database owner (test databases are emptied that way); the application
never issues it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION stegvis_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Loggen är oföränderlig: % är inte tillåtet på core_auditentry', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION stegvis_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS stegvis_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
