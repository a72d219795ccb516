"""The rating grid's rows, rendered in Python (issue #30): a template loop with a dozen tags
per family was most of the grid's time. The markup is the one the template loop produced
(tests/measurement/test_grid_rows.py compares the two, in Dutch and English)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from glans_learning.core.rendering import as_template_value

from .glans_measurement_tags import measurement_cell

register = template.Library()

_VALUES = ("positive", "neutral", "negative")


def _e(value) -> str:
    return conditional_escape("" if value is None else value)


@register.simple_tag
def grid_rows(grid, next_steps):
    open_moment = grid["open_moment"]
    words = {
        "positive": _e(_("glanst")),
        "neutral": _e(_("neutraal")),
        "negative": _e(_("dof")),
    }
    step_label, note_label = _e(_("Volgende stap")), _e(_("Notitie"))
    step_none, note_hint = _e(_("volgende stap…")), _e(_("notitie"))
    impossible = _e(_("samenwerking lijkt onmogelijk"))
    rating_of = _("Waardering %(code)s")
    steps = [(value, _e(value), _e(label)) for value, label in next_steps]
    saved_mark = ' <span class="saved-mark"></span>' if open_moment else ""
    parts = []
    for row in grid["rows"]:
        code = _e(row["code"])
        out = [f'\n  <tr data-code="{code}">\n    <th scope="row">{code}']
        if row["label"]:
            out.append(f' <span class="label">{_e(row["label"])}</span>')
        out.append(f"{saved_mark}</th>\n    ")
        for c in row["history"]:
            if c:
                out.append(
                    f'<td class="history"><span class="chip chip-{_e(c.value)}">'
                    f"{_e(c.get_value_display())}</span></td>"
                )
            else:
                out.append('<td class="history">–</td>')
        out.append("\n    ")
        if open_moment:
            current = row["current"]
            value = getattr(current, "value", None)
            out.append(
                '\n    <td class="rate-cell">\n      <div class="rate" role="radiogroup" '
                f'aria-label="{rating_of % {"code": code}}">\n'
            )
            for choice in _VALUES:
                on = value == choice
                out.append(
                    f'        <button type="button" class="rate-btn rate-{choice}'
                    f'{" is-on" if on else ""}" data-value="{choice}" role="radio" '
                    f'aria-checked="{"true" if on else "false"}">{words[choice]}</button>\n'
                )
            step = getattr(current, "next_step", None)
            options = "".join(
                f'<option value="{value_text}"{" selected" if step == raw else ""}>{label}</option>'
                for raw, value_text, label in steps
            )
            note = _e(getattr(current, "note", None) or "")
            checked = " checked" if getattr(current, "cooperation_impossible", None) else ""
            out.append(
                "      </div>\n    </td>\n"
                '    <td class="step-cell">\n'
                f'      <label class="visually-hidden" for="step-{code}">{step_label}</label>\n'
                f'      <select id="step-{code}" class="next-step">\n'
                f'        <option value="">{step_none}</option>\n'
                f"        {options}\n"
                "      </select>\n"
                f'      <label class="visually-hidden" for="note-{code}">{note_label}</label>\n'
                f'      <input id="note-{code}" class="note" maxlength="500" value="{note}" '
                f'placeholder="{note_hint}">\n'
                f'      <label class="impossible"><input type="checkbox" class="impossible-box"'
                f"{checked}> {impossible}</label>\n"
                "    </td>\n    "
            )
        out.append("\n  </tr>\n  ")
        parts.append("".join(out))
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def measurement_cells(cells):
    """The school dashboard's `<td>` cells of one row (per moment: share glanst, or '<n'
    when suppressed, and what is open), as the template loop over `measurement_cell` rendered
    them (tests/measurement/test_grid_rows.py compares the two)."""
    open_text = _("(%(open)s open, %(without)s zonder stap)")
    parts = []
    for c in cells:
        counts = open_text % {
            "open": as_template_value(c["not_rated"]),
            "without": as_template_value(c["dull_without_step"]),
        }
        parts.append(f'<td>{measurement_cell(c)} <span class="help">{counts}</span></td>')
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
