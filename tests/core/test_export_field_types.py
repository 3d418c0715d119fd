"""The full export writes every field type Django offers, and reads back to the same values.

Throw-away models in an isolated app registry hold one field of each type (the test fails when
Django gains a field type they lack); their tables are created for the test and dropped after.
The demo federation, as ``stegvis seed-demo`` loads it, exports as well.
"""

import base64
import csv
import datetime as dt
import decimal
import io
import json
import uuid
import zipfile

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import isolate_apps

from stegvis.core import export
from stegvis.core.fields import EncryptedTextField
from stegvis.core.models import Federation
from stegvis.core.tenancy import federation_scope

# Field classes that Django keeps only so old migrations load (a model using them fails checks).
REMOVED = {
    name
    for name, cls in vars(models).items()
    if isinstance(cls, type)
    and issubclass(cls, models.Field)
    and getattr(cls, "system_check_removed_details", None)
}
DJANGO_FIELD_TYPES = {
    cls
    for name, cls in vars(models).items()
    if isinstance(cls, type)
    and issubclass(cls, models.Field)
    and cls is not models.Field
    and name not in REMOVED
}

NOW = dt.datetime(2026, 3, 4, 13, 45, 10, 123456, tzinfo=dt.UTC)


@pytest.fixture
def probe_models(transactional_db, tmp_path):
    """Four throw-away models covering every field type, with their tables."""
    with isolate_apps("tests.core"):  # app label "core" in a registry of its own

        class Target(models.Model):  # noqa: DJ008
            id = models.SmallAutoField(primary_key=True)
            name = models.CharField(max_length=20)

            class Meta:
                app_label = "core"
                db_table = "exportprobe_target"

        class Tag(models.Model):  # noqa: DJ008
            id = models.AutoField(primary_key=True)
            label = models.CharField(max_length=20)

            class Meta:
                app_label = "core"
                db_table = "exportprobe_tag"

        class Everything(models.Model):  # noqa: DJ008
            id = models.BigAutoField(primary_key=True)
            big = models.BigIntegerField()
            binary = models.BinaryField()
            boolean = models.BooleanField()
            maybe = models.BooleanField(null=True)
            char = models.CharField(max_length=50)
            date = models.DateField()
            datetime = models.DateTimeField()
            decimal = models.DecimalField(max_digits=8, decimal_places=2)
            duration = models.DurationField()
            email = models.EmailField()
            file = models.FileField(upload_to="probe/")
            file_path = models.FilePathField(path=str(tmp_path))
            floating = models.FloatField()
            ip = models.GenericIPAddressField()
            image = models.ImageField(upload_to="probe/")
            integer = models.IntegerField()
            generated = models.GeneratedField(
                expression=models.F("integer") + 1,
                output_field=models.IntegerField(),
                db_persist=True,
            )
            json = models.JSONField()
            positive_big = models.PositiveBigIntegerField()
            positive = models.PositiveIntegerField()
            positive_small = models.PositiveSmallIntegerField()
            slug = models.SlugField()
            small = models.SmallIntegerField()
            text = models.TextField()
            time = models.TimeField()
            url = models.URLField()
            uuid = models.UUIDField()
            encrypted = EncryptedTextField()
            nothing = models.DateTimeField(null=True)
            target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")
            only = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="+")
            same_target = models.ForeignObject(
                Target,
                on_delete=models.CASCADE,
                from_fields=["target"],
                to_fields=["id"],
                related_name="+",
            )
            tags = models.ManyToManyField(Tag, related_name="everything")

            class Meta:
                app_label = "core"
                db_table = "exportprobe_everything"
                order_with_respect_to = "target"

        class Pair(models.Model):  # noqa: DJ008
            pk = models.CompositePrimaryKey("left", "right")
            left = models.IntegerField()
            right = models.IntegerField()

            class Meta:
                app_label = "core"
                db_table = "exportprobe_pair"

        made = [Target, Tag, Everything, Pair]
        with connection.schema_editor() as editor:
            for model in made:
                editor.create_model(model)
        try:
            yield {m.__name__: m for m in made}
        finally:
            with connection.schema_editor() as editor:
                for model in reversed(made):
                    editor.delete_model(model)


def _field_types(model_list):
    found = set()
    for model in model_list:
        for field in model._meta.get_fields(include_hidden=True):
            found.add(type(field))
        found.add(type(model._meta.pk))
    return found


def _round_trip(model, federation):
    columns, records = export.table_records(
        model, model.objects.all(), federation=federation, pseudonymised=False
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        export.write_table(archive, "probe", columns, records)
    archive = zipfile.ZipFile(buffer)
    as_json = json.loads(archive.read("json/probe.json"))
    as_csv = list(csv.DictReader(io.StringIO(archive.read("csv/probe.csv").decode())))
    return columns, as_json, as_csv


def _parse(field, value):
    field = getattr(field, "output_field", None) or field
    return field.to_python(value)


def _same(field, read_back, original):
    if isinstance(field, models.BinaryField):
        return bytes(read_back) == bytes(original)
    return read_back == original


def test_probe_models_cover_every_django_field_type(probe_models):
    missing = DJANGO_FIELD_TYPES - _field_types(probe_models.values())
    assert not missing, f"field types without a column in the probe models: {missing}"


def test_every_field_type_exports_and_reads_back(probe_models, federation):
    Target, Tag, Everything, Pair = (
        probe_models[n] for n in ("Target", "Tag", "Everything", "Pair")
    )
    target = Target.objects.create(name="mål")
    tags = [Tag.objects.create(label="a"), Tag.objects.create(label="b")]
    values = {
        "big": 2**62,
        "binary": b"\x00\xffbin\x10",
        "boolean": True,
        "maybe": None,
        "char": 'text med "citat", komma och å',
        "date": dt.date(2026, 3, 4),
        "datetime": NOW,
        "decimal": decimal.Decimal("1234.50"),
        "duration": dt.timedelta(days=2, hours=3, minutes=4, seconds=5, microseconds=6),
        "email": "a@example.se",
        "file": "probe/intyg.pdf",
        "file_path": "fil.txt",
        "floating": 1.25,
        "ip": "2001:db8::1",
        "image": "probe/bild.png",
        "integer": -7,
        "json": {"lista": [1, 2.5, None, True], "text": "å", "inre": {"a": "b"}},
        "positive_big": 2**40,
        "positive": 5,
        "positive_small": 3,
        "slug": "en-slug",
        "small": -3,
        "text": "rad ett\nrad två",
        "time": dt.time(13, 45, 10, 123456),
        "url": "https://example.se/a?b=c",
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "encrypted": "19121212-1212",
        "nothing": None,
    }
    row = Everything.objects.create(target=target, only=target, **values)
    row.tags.set(tags)
    Pair.objects.create(left=1, right=2)
    stored_raw = Everything.objects.values_list("binary", flat=True).get()

    columns, [as_json], [as_csv] = _round_trip(Everything, federation)
    fields = {f.attname: f for f in Everything._meta.concrete_fields}
    assert set(columns) == set(fields)  # every column exported, the generated and _order too
    originals = {
        **values,
        "id": row.pk,
        "target_id": target.pk,
        "only_id": target.pk,
        "generated": -6,
        "_order": 0,
        "binary": stored_raw,
    }
    for name in columns:
        field = fields[name]
        original = originals[name]
        read_back = _parse(field, as_json[name])
        assert _same(field, read_back, original), (name, as_json[name], original)
        cell = as_csv[name]
        if original is None:
            assert cell == "", name
        elif isinstance(field, models.JSONField):
            assert json.loads(cell) == original
        else:
            assert _same(field, _parse(field, cell), original), (name, cell, original)
    assert as_json["binary"] == base64.b64encode(b"\x00\xffbin\x10").decode()
    assert as_json["encrypted"] == "19121212-1212"  # decrypted, not the stored token

    m2m = Everything._meta.get_field("tags")
    link_columns, pairs = export.link_records(Everything, m2m, Everything.objects.all())
    assert link_columns == ["everything_id", "tag_id"]
    assert pairs == [{"everything_id": row.pk, "tag_id": t.pk} for t in tags]

    pair_columns, [pair_json], [pair_csv] = _round_trip(Pair, federation)
    assert pair_columns == ["left", "right"]
    assert pair_json == {"left": 1, "right": 2}
    assert pair_csv == {"left": "1", "right": "2"}


@pytest.mark.django_db
def test_every_column_of_every_tenant_table_is_exported():
    """Nothing is dropped silently: only the listed secrets and look-up keys stay behind."""
    for model in export._owned_tables():
        label = model._meta.label_lower
        excluded = export.EXCLUDED_FIELDS.get(label, set())
        expected = [f.attname for f in model._meta.concrete_fields if f.attname not in excluded]
        assert export.exported_columns(model) == expected, label
    for label, rules in export.PERSONAL_FIELDS.items():
        model = next(m for m in export._owned_tables() if m._meta.label_lower == label)
        for name in rules:
            model._meta.get_field(name)  # a renamed field would leave a person unmasked


def _about_a_person(model, depth=0) -> bool:
    """Whether rows of ``model`` belong to a person (a foreign-key path to a participant)."""
    if model._meta.label_lower == "participants.participant":
        return True
    return depth < 4 and any(
        f.many_to_one
        and f.related_model is not model
        and f.related_model._meta.label_lower not in ("core.federation", "core.user")
        and _about_a_person(f.related_model, depth + 1)
        for f in model._meta.concrete_fields
        if f.is_relation
    )


def test_free_text_about_a_person_is_on_the_list_of_personal_fields():
    """A new text field on a person's table is pseudonymised, or the export is blind to it:
    every text of such a table, and every longer line without choices, is on the list."""
    unlisted = [
        f"{model._meta.label_lower}.{f.name}"
        for model in export._owned_tables()
        if _about_a_person(model)
        for f in model._meta.concrete_fields
        if (
            isinstance(f, models.TextField)
            or (isinstance(f, models.CharField) and not f.choices and (f.max_length or 0) >= 100)
        )
        and f.name not in export.PERSONAL_FIELDS.get(model._meta.label_lower, {})
    ]
    assert not unlisted, f"add to PERSONAL_FIELDS (stegvis/core/export.py): {unlisted}"
    assert _about_a_person(apps.get_model("plans", "PlanAction"))  # three steps away


def test_demo_federation_exports_both_ways(seeded_demo, tmp_path):
    federation = Federation.objects.get(slug="nad-skane")
    for identified in (False, True):
        with federation_scope(federation):
            counts = {m._meta.label_lower: m.objects.count() for m in export._owned_tables()}
        data = export.export_federation(
            federation, identified=identified, reason="Test av exporten" if identified else ""
        )
        archive = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["pseudonymised"] is (not identified)
        exported = {t["name"]: t["rows"] for t in manifest["tables"]}
        for label, count in counts.items():
            assert exported[label] == count, label
            assert len(json.loads(archive.read(f"json/{label}.json"))) == count
        people = json.loads(archive.read("json/participants.participant.json"))
        named = [p for p in people if p["personal_number"]]
        assert named, "the demo has named people"
        if identified:
            assert any("-" in p["personal_number"] and p["last_name"] for p in named)
        else:
            assert all(p["personal_number"].startswith("P-") for p in named)
            assert all(p["last_name"] == "" and p["phone"] == "" for p in people)
