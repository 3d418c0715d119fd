"""The select boxes written in Python are the same HTML as Django's own templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from stegvis.core.renderers import Renderer


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A"), ("b", "B & <b>")])
    optional = forms.ChoiceField(choices=[("", "– alla –"), ("1", "Ett")], required=False)
    grouped = forms.ChoiceField(
        choices=[("Skåne", [("m", "Malmö"), ("l", "Lund")]), ("x", 'Annat "citat"')]
    )
    many = forms.MultipleChoiceField(choices=[(1, "Ett"), (2, "Två"), (3, "Tre")])
    flags = forms.NullBooleanField()
    attrs = forms.ChoiceField(
        choices=[("a", "A")],
        widget=forms.Select(attrs={"hx-get": "/x?a=1&b=2", "disabled": True, "data-n": 0}),
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "optional": "1", "grouped": "l", "many": ["1", "3"], "flags": "true"},
        {"plain": "<script>", "grouped": "x", "many": ["2"], "flags": "false"},
    ],
)
def test_select_html_is_the_same_as_djangos_templates(data):
    ours = Everything(data, renderer=Renderer())
    django = Everything(data, renderer=DjangoTemplates())
    for name in Everything.base_fields:
        assert str(ours[name]) == str(django[name]), name


def test_the_product_uses_the_fast_renderer(settings):
    assert settings.FORM_RENDERER == "stegvis.core.renderers.Renderer"
    html = str(Everything({"plain": "b"})["plain"])
    assert '<option value="b" selected>B &amp; &lt;b&gt;</option>' in html
