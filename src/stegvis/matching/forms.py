from __future__ import annotations

from django import forms

from stegvis.activities.models import Activity
from stegvis.core.models import Hub


class RunForm(forms.Form):
    hub = forms.ModelChoiceField(
        label="Knutpunkt", queryset=None, required=False, empty_label="Alla knutpunkter"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = Hub.objects.all()


class OverrideForm(forms.Form):
    activity = forms.ModelChoiceField(
        label="Placera i stället i", queryset=None, empty_label="Välj aktivitet…"
    )
    note = forms.CharField(label="Varför", required=False, max_length=300)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.title} ({a.organiser})"


def open_activity_queryset(ids):
    return Activity.objects.filter(pk__in=ids).select_related("association").order_by("title")
