"""The team dashboard's rows are rendered in Python (issue #30); they must be the markup the
template loop rendered, in Dutch and in English, with escaping and localized numbers."""

import pytest
from django.contrib.auth import get_user_model
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext_lazy

from glans_learning.courses.models import SessionRegistration

# The loop as team_dashboard.html had it before the rows moved to glans_team.team_rows.
TEMPLATE_LOOP = """{% load i18n %}{% for row in matrix.rows %}
    <tr>
      <th scope="row">{{ row.user.get_full_name|default:row.user.username }}{% if row.stalled %} <span class="badge">{% translate "vastgelopen" %}</span>{% endif %}</th>
      {% for cell in row.cells %}<td>{% include "glans_courses/includes/status.html" with status=cell.status %} <span class="help">{{ cell.done }}/{{ cell.total }}</span></td>{% endfor %}
      {% for reg in row.sessions %}<td>{% if reg %}{{ reg.get_attendance_display }}{% else %}–{% endif %}</td>{% endfor %}
      <td>{{ row.percent }}%{% if row.open %}<details class="still-open"><summary>{% translate "nog open" %}</summary><ul>{% for item in row.open %}<li>{{ item }}</li>{% endfor %}</ul></details>{% endif %}</td>
    </tr>
  {% endfor %}"""


def _rows():
    User = get_user_model()
    return [
        {
            "user": User(username="ann", first_name="Ann <b>", last_name="& Co"),
            "stalled": True,
            "cells": [
                {"status": "completed", "done": 3, "total": 3},
                {"status": "in_progress", "done": 1, "total": 1200},
                {"status": "not_started", "done": 0, "total": 2},
            ],
            "sessions": [SessionRegistration(attendance="present"), None],
            "percent": 1234.5,
            "open": ["Rond de module af: <i>Les</i>", gettext_lazy("nog open")],
        },
        {
            "user": User(username="zonder-naam"),
            "stalled": False,
            "cells": [{"status": "completed", "done": 2, "total": 2}],
            "sessions": [],
            "percent": 100,
            "open": [],
        },
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_team_rows_are_the_template_loops_markup(language):
    engine = engines["django"]
    context = {"matrix": {"rows": _rows()}}
    with translation.override(language):
        before = engine.from_string(TEMPLATE_LOOP).render(context)
        after = engine.from_string("{% load glans_team %}{% team_rows matrix.rows %}").render(
            context
        )
    assert "Ann &lt;b&gt; &amp; Co" in after and "&lt;i&gt;" in after
    assert after == before
