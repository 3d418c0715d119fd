import pytest
from django.db import DatabaseError, connection, transaction

from stegvis.core import audit
from stegvis.core.models import AuditEntry, AuditLogIsAppendOnly
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope


@pytest.fixture
def entry(federation, admin):
    with federation_scope(federation):
        return audit.log(actor=admin.user, action="read", object_type="participant", object_id=7)


@pytest.mark.django_db
def test_entry_records_actor_action_object_and_time(entry, federation):
    assert entry.actor_username == "alice"
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "participant", "7")
    assert entry.federation_id == federation.id
    assert entry.time is not None


@pytest.mark.django_db
def test_saved_entry_cannot_be_changed(entry):
    entry.action = "delete"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()


@pytest.mark.django_db
def test_entry_cannot_be_deleted(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()


@pytest.mark.django_db
def test_queryset_update_and_delete_are_refused(entry, federation):
    with federation_scope(federation):
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEntry.objects.filter(pk=entry.pk).update(action="delete")
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEntry.objects.all().delete()
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEntry.objects.bulk_update([entry], ["action"])
        assert AuditEntry.objects.get(pk=entry.pk).action == "read"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_trigger_refuses_raw_update_and_delete(entry):
    for sql in (
        "UPDATE core_auditentry SET action = 'delete' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])


@pytest.mark.django_db
def test_request_id_is_recorded_for_a_login(client, admin, federation):
    from tests.conftest import PASSWORD

    client.post(
        "/logga-in/", {"username": "alice", "password": PASSWORD}, HTTP_X_REQUEST_ID="req-42"
    )
    with federation_scope(federation):
        entry = AuditEntry.objects.get(action="login")
    assert entry.request_id == "req-42"
    assert entry.actor_username == "alice"


@pytest.mark.django_db
def test_audit_page_filters_by_action_and_actor(client, admin, entry, federation):
    with federation_scope(federation):
        audit.log(actor=admin.user, action="export", object_type="report", object_id="age-gender")
    client.force_login(admin.user)
    body = client.get(f"/f/{federation.slug}/logg/?action=export").content.decode()
    assert "report age-gender" in body
    assert "participant 7" not in body
    body = client.get(f"/f/{federation.slug}/logg/?actor=nobody").content.decode()
    assert "Inga poster" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.CASE_WORKER, Role.INTERVENTION_LEAD, Role.STEERING, Role.EVALUATOR]
)
def test_audit_page_is_for_federation_admins_only(client, federation, make_member, role):
    member = make_member(federation, role)
    client.force_login(member.user)
    assert client.get(f"/f/{federation.slug}/logg/").status_code == 403


@pytest.mark.django_db
def test_audit_page_rejects_reversed_dates(client, admin, federation):
    client.force_login(admin.user)
    body = client.get(
        f"/f/{federation.slug}/logg/?date_from=2026-05-02&date_to=2026-05-01"
    ).content.decode()
    assert "Slutdatumet ligger före startdatumet" in body
