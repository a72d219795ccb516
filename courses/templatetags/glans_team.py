"""The team dashboard's rows, rendered in Python (issue #30): 200 learners × modules made a
template loop with an include per cell most of the screen's time. The markup is the one the
template loop produced (tests/courses/test_team_rows.py compares the two)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from glans_learning.core.rendering import as_template_value

from ..models import LessonStatus

register = template.Library()


@register.simple_tag
def team_page_url(query, number) -> str:
    """A link to page `number` of the team dashboard with the same filters and sort
    (`query` is request.GET), without an export."""
    params = query.copy()
    params.pop("export", None)
    params["page"] = number
    return "?" + params.urlencode()


@register.simple_tag
def team_page_range(page):
    """The page numbers to link to: all of them for a few pages, else the first, the last
    and two around the current one, with an ellipsis (Paginator.ELLIPSIS) between."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


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
    cells: dict[tuple, str] = {}
    lists: dict[int, str] = {}
    attendances: dict[str, str] = {}
    open_lists: dict[int, str] = {}
    parts = []
    for row in rows:
        user = row["user"]
        out = [
            '\n    <tr>\n      <th scope="row">',
            as_template_value(user.get_full_name() or user.username),
            stalled if row["stalled"] else "",
            "</th>\n      ",
        ]
        # Rows with the same progress share their list of cells (selectors.team): its
        # markup is put together once per list.
        row_cells = row["cells"]
        html = lists.get(id(row_cells))
        if html is None:
            parts_of_row = []
            for cell in row_cells:
                done, total = cell["done"], cell["total"]
                # A team has few different cells: each renders once (the types are in the
                # key, as 1 == 1.0 == True would otherwise share a rendering).
                key = (cell["status"], done, total, type(done), type(total))
                cell_html = cells.get(key)
                if cell_html is None:
                    cell_html = cells[key] = _cell(key, labels, other)
                parts_of_row.append(cell_html)
            # Keyed by the list's id while `rows` holds the list (no id is reused meanwhile).
            html = lists[id(row_cells)] = "".join(parts_of_row)
        out.append(html)
        out.append("\n      ")
        for reg in row["sessions"]:
            if reg is None:
                out.append("<td>–</td>")
                continue
            # A handful of attendance values: each label renders once.
            html = attendances.get(reg.attendance)
            if html is None:
                html = attendances[reg.attendance] = (
                    f"<td>{as_template_value(reg.get_attendance_display())}</td>"
                )
            out.append(html)
        out.append(f"\n      <td>{as_template_value(row['percent'])}%")
        # Rows with the same progress share their list of open items too, rendered once (by
        # the list's id, as the cells above).
        row_open = row["open"]
        if row_open:
            html = open_lists.get(id(row_open))
            if html is None:
                items = "".join(f"<li>{as_template_value(item)}</li>" for item in row_open)
                html = open_lists[id(row_open)] = (
                    f'<details class="still-open"><summary>{still_open}</summary>'
                    f"<ul>{items}</ul></details>"
                )
            out.append(html)
        out.append("</td>\n    </tr>\n  ")
        parts.append("".join(out))
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _cell(key, labels, other) -> str:
    status, done, total = key[:3]
    return (
        f'<td><span class="status status--{as_template_value(status)}">'
        f"{labels.get(status, other)}</span>\n"
        f' <span class="help">{as_template_value(done)}/{as_template_value(total)}</span></td>'
    )
