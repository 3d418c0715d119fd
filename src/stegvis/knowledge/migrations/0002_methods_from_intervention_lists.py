"""Every federation gets the default methods; each name in an intervention's list of methods
becomes a linked method (a default one when the name matches it, else a new one). Backwards,
the links are written back as the list of method codes."""

from django.db import migrations

from stegvis.knowledge.defaults import DEFAULT_METHODS, match_default


def forward(apps, schema_editor):
    Federation = apps.get_model("core", "Federation")
    Intervention = apps.get_model("interventions", "Intervention")
    Method = apps.get_model("knowledge", "Method")
    MethodIntervention = apps.get_model("knowledge", "MethodIntervention")
    for federation in Federation.objects.all():
        by_code = {m.code.lower(): m for m in Method.objects.filter(federation=federation)}
        for code, name, description, target, demands, references, _aliases in DEFAULT_METHODS:
            if code.lower() not in by_code:
                by_code[code.lower()] = Method.objects.create(
                    federation=federation,
                    code=code,
                    name=name,
                    description=description,
                    target_group=target,
                    staff_demands=demands,
                    references=references,
                )
        by_name = {m.name.lower(): m for m in by_code.values()}
        for intervention in Intervention.objects.filter(federation=federation):
            linked = set()
            for value in intervention.methods or []:
                value = str(value).strip()
                if not value:
                    continue
                default = match_default(value)
                key = default[0].lower() if default else value.lower()[:40]
                method = by_code.get(key) or by_name.get(value.lower())
                if method is None:
                    method = Method.objects.create(
                        federation=federation, code=value[:40], name=value[:200]
                    )
                    by_code[key] = by_name[value.lower()] = method
                if method.pk not in linked:
                    MethodIntervention.objects.create(
                        federation=federation, method=method, intervention=intervention
                    )
                    linked.add(method.pk)


def backward(apps, schema_editor):
    Intervention = apps.get_model("interventions", "Intervention")
    MethodIntervention = apps.get_model("knowledge", "MethodIntervention")
    codes: dict[int, list[str]] = {}
    for intervention_id, code in MethodIntervention.objects.order_by(
        "method__code"
    ).values_list("intervention_id", "method__code"):
        codes.setdefault(intervention_id, []).append(code)
    for intervention in Intervention.objects.filter(pk__in=codes):
        intervention.methods = codes[intervention.pk]
        intervention.save(update_fields=["methods"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("interventions", "0003_financiers_budgets_goals_structural_activities"),
    ]

    operations = [migrations.RunPython(forward, backward)]
