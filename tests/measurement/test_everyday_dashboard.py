"""Issue #25: the school's measurement chart carries its numbers and a one-line reading aid,
and the bracketed figures in the table say what they count."""

from django.template.loader import render_to_string
from django.utils import translation


def test_chart_has_its_values_and_a_reading_aid():
    import datetime
    from types import SimpleNamespace

    cells = [
        {"moment": SimpleNamespace(date=datetime.date(2026, 11, 2)), "share_positive": 80},
        {"moment": SimpleNamespace(date=datetime.date(2027, 1, 10)), "share_positive": None},
    ]
    with translation.override("nl"):
        html = render_to_string(
            "glans_measurement/includes/bars.html", {"cells": cells, "target": 80}
        )
    assert "2-11: 80%" in html and "10-1: –" in html  # every bar with its value
    assert "de stippellijn is het doel van 80%" in html


def test_school_table_explains_the_bracketed_figures(client, director, school):
    client.force_login(director)
    html = client.get(f"/meten/school/{school['unit'].pk}/").content.decode()
    assert "Hoe lees je de tabel?" in html
    assert " open, " in html and " zonder stap)" in html
    assert "het getal eronder" in html
