"""Downloads for Swedish Excel: semicolons, decimal commas, Swedish names, whole words."""

import pytest

from stegvis.reports.exports import _sheet_title
from tests.reports.test_views import PERIOD, data, url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_web_csv_is_for_swedish_excel_and_named_in_swedish(client, data, admin):  # noqa: F811
    client.force_login(admin.user)
    response = client.get(url("alfa", f"age-gender.csv?{PERIOD}"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffkod;benamning;")
    assert "\r\n" in text
    assert "," not in text.splitlines()[0]
    disposition = response["Content-Disposition"]
    assert 'filename="alfa-alder-och-kon-' in disposition
    assert "age-gender" not in disposition


def test_sheet_titles_are_cut_between_words():
    used = set()
    title = _sheet_title("AF-kod före och efter Från kod vid start (rader)", used)
    assert len(title) <= 31
    assert title == "AF-kod före och efter Från kod"
    again = _sheet_title("AF-kod före och efter Från kod vid start (rader)", used)
    assert again.endswith(" 2")
    assert len(again) <= 31
    assert not again[:-2].endswith(("Fr", "Frå", "ko"))
