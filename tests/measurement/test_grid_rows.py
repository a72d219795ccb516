"""The rating grid's rows are rendered in Python (issue #30); they must be the markup the
template loop rendered, in Dutch and in English, with and without an open moment, with and
without labels, with escaping."""

import pytest
from django.template import engines
from django.utils import translation

from glans_learning.measurement.models import NextStep, Rating

# The loop as grid.html had it before the rows moved to glans_grid.grid_rows.
TEMPLATE_LOOP = """{% load i18n %}{% for row in grid.rows %}
  <tr data-code="{{ row.code }}">
    <th scope="row">{{ row.code }}{% if row.label %} <span class="label">{{ row.label }}</span>{% endif %}{% if grid.open_moment %} <span class="saved-mark"></span>{% endif %}</th>
    {% for c in row.history %}<td class="history">{% if c %}<span class="chip chip-{{ c.value }}">{{ c.get_value_display }}</span>{% else %}–{% endif %}</td>{% endfor %}
    {% if grid.open_moment %}
    <td class="rate-cell">
      <div class="rate" role="radiogroup" aria-label="{% blocktranslate with code=row.code %}Waardering {{ code }}{% endblocktranslate %}">
        <button type="button" class="rate-btn rate-positive{% if row.current.value == 'positive' %} is-on{% endif %}" data-value="positive" role="radio" aria-checked="{% if row.current.value == 'positive' %}true{% else %}false{% endif %}">{% translate "glanst" %}</button>
        <button type="button" class="rate-btn rate-neutral{% if row.current.value == 'neutral' %} is-on{% endif %}" data-value="neutral" role="radio" aria-checked="{% if row.current.value == 'neutral' %}true{% else %}false{% endif %}">{% translate "neutraal" %}</button>
        <button type="button" class="rate-btn rate-negative{% if row.current.value == 'negative' %} is-on{% endif %}" data-value="negative" role="radio" aria-checked="{% if row.current.value == 'negative' %}true{% else %}false{% endif %}">{% translate "dof" %}</button>
      </div>
    </td>
    <td class="step-cell">
      <label class="visually-hidden" for="step-{{ row.code }}">{% translate "Volgende stap" %}</label>
      <select id="step-{{ row.code }}" class="next-step">
        <option value="">{% translate "volgende stap…" %}</option>
        {% for value, label in next_steps %}<option value="{{ value }}"{% if row.current.next_step == value %} selected{% endif %}>{{ label }}</option>{% endfor %}
      </select>
      <label class="visually-hidden" for="note-{{ row.code }}">{% translate "Notitie" %}</label>
      <input id="note-{{ row.code }}" class="note" maxlength="500" value="{{ row.current.note|default:'' }}" placeholder="{% translate 'notitie' %}">
      <label class="impossible"><input type="checkbox" class="impossible-box"{% if row.current.cooperation_impossible %} checked{% endif %}> {% translate "samenwerking lijkt onmogelijk" %}</label>
    </td>
    {% endif %}
  </tr>
  {% endfor %}"""


def _grid(open_moment):
    current = Rating(
        value="negative", next_step="make", note='Bel "ma" <snel>', cooperation_impossible=True
    )
    return {
        "open_moment": open_moment,
        "rows": [
            {
                "code": "A<1>",
                "label": "Kind & co",
                "history": [Rating(value="positive"), None, Rating(value="neutral")],
                "current": current,
            },
            {"code": "B2", "label": "", "history": [None], "current": None},
            {
                "code": "C3",
                "label": "",
                "history": [],
                "current": Rating(value="positive", next_step="", note=""),
            },
        ],
    }


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("open_moment", [True, False])
def test_grid_rows_are_the_template_loops_markup(language, open_moment):
    engine = engines["django"]
    context = {"grid": _grid(open_moment), "next_steps": NextStep.choices}
    with translation.override(language):
        before = engine.from_string(TEMPLATE_LOOP).render(context)
        after = engine.from_string("{% load glans_grid %}{% grid_rows grid next_steps %}").render(
            context
        )
    assert "A&lt;1&gt;" in after and "Kind &amp; co" in after
    assert ("&lt;snel&gt;" in after) == open_moment
    assert after == before


CELLS_LOOP = """{% load i18n glans_measurement_tags %}{% for c in cells %}<td>{% measurement_cell c %} <span class="help">{% blocktranslate with open=c.not_rated without=c.dull_without_step %}({{ open }} open, {{ without }} zonder stap){% endblocktranslate %}</span></td>{% endfor %}"""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_measurement_cells_are_the_template_loops_markup(language):
    cells = [
        {
            "suppressed": True,
            "min_cell": 5,
            "share_positive": None,
            "not_rated": 1,
            "dull_without_step": 0,
        },
        {
            "suppressed": False,
            "min_cell": 5,
            "share_positive": None,
            "not_rated": 1200,
            "dull_without_step": 3,
        },
        {
            "suppressed": False,
            "min_cell": 5,
            "share_positive": 66.7,
            "not_rated": 0,
            "dull_without_step": 12,
        },
    ]
    engine = engines["django"]
    with translation.override(language):
        before = engine.from_string(CELLS_LOOP).render({"cells": cells})
        after = engine.from_string("{% load glans_grid %}{% measurement_cells cells %}").render(
            {"cells": cells}
        )
    assert "&lt;5" in after and "–" in after
    assert after == before
