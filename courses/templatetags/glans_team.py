"""The team dashboard's rows, rendered in Python (issue #30): 200 learners × modules made a
template loop with an include per cell most of the screen's time. The markup is the one the
template loop produced (tests/courses/test_team_rows.py compares the two)."""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import LessonStatus

register = template.Library()


def _value(value) -> str:
    """As `{{ value }}` renders it: localized, then escaped."""
    return conditional_escape(localize(value))


@register.simple_tag
def team_rows(rows):
    # As glans_courses/includes/status.html renders each status (with its final newline).
    labels = {
        LessonStatus.COMPLETED: "✓ " + conditional_escape(_("afgerond")),
        LessonStatus.IN_PROGRESS: conditional_escape(_("bezig")),
    }
    other = conditional_escape(_("niet begonnen"))
    stalled = f' <span class="badge">{conditional_escape(_("vastgelopen"))}</span>'
    still_open = conditional_escape(_("nog open"))
    parts = []
    for row in rows:
        user = row["user"]
        out = [
            '\n    <tr>\n      <th scope="row">',
            _value(user.get_full_name() or user.username),
            stalled if row["stalled"] else "",
            "</th>\n      ",
        ]
        for cell in row["cells"]:
            status = cell["status"]
            out.append(
                f'<td><span class="status status--{_value(status)}">'
                f"{labels.get(status, other)}</span>\n"
                f' <span class="help">{_value(cell["done"])}/{_value(cell["total"])}</span></td>'
            )
        out.append("\n      ")
        for reg in row["sessions"]:
            out.append(f"<td>{_value(reg.get_attendance_display()) if reg else '–'}</td>")
        out.append(f"\n      <td>{_value(row['percent'])}%")
        if row["open"]:
            items = "".join(f"<li>{_value(item)}</li>" for item in row["open"])
            out.append(
                f'<details class="still-open"><summary>{still_open}</summary>'
                f"<ul>{items}</ul></details>"
            )
        out.append("</td>\n    </tr>\n  ")
        parts.append("".join(out))
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
