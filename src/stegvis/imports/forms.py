from __future__ import annotations

from django import forms

from stegvis.imports.kinds import KINDS

MAX_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fil (CSV eller XLSX)",
        help_text="CSV i UTF-8 med kommatecken eller semikolon, eller ett "
        "Excel-ark. Första raden är kolumnnamnen.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError("Välj en CSV- eller XLSX-fil.")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("Filen är större än 50 MB. Dela upp den.")
        return upload


def kinds_for(membership) -> list:
    return [k for k in KINDS.values() if k.allowed(membership)]
