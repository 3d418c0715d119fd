from django.db import migrations, models


class Migration(migrations.Migration):
    """The methods' links as many-to-many fields, once the intervention's own list of method
    names is gone (its name is free for the reverse side: ``intervention.methods``)."""

    dependencies = [
        ("knowledge", "0002_methods_from_intervention_lists"),
        ("interventions", "0004_remove_intervention_methods"),
    ]

    operations = [
        migrations.AddField(
            model_name='method',
            name='activities',
            field=models.ManyToManyField(blank=True, related_name='methods', through='knowledge.MethodActivity', to='activities.activity', verbose_name='aktiviteter'),
        ),
        migrations.AddField(
            model_name='method',
            name='interventions',
            field=models.ManyToManyField(blank=True, related_name='methods', through='knowledge.MethodIntervention', to='interventions.intervention', verbose_name='insatser'),
        ),
    ]
