"""Template tags of the oudervolgsysteem."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def measurement_cell(cell) -> str:
    """One dashboard cell: the share glanst, "–" without ratings, or "<5" with a title when
    the cell is suppressed outside the school. A tag rather than an included template: a
    board or academy page holds hundreds of cells, and an include per cell cost more than
    the rest of the page."""
    if cell["suppressed"]:
        n = cell["min_cell"]
        title = _("minder dan %(n)s relaties of waarderingen: niet getoond") % {"n": n}
        return format_html('<span title="{}">&lt;{}</span>', title, n)
    if cell["share_positive"] is None:
        return "–"
    return f"{cell['share_positive']}%"


@register.simple_tag
def measurement_badge(cell) -> str:
    """A school's cell on the board and academy screens: "date: share", the full date as
    its title (the same as `date:'j-n-Y'` and `date:'j-n'` in a template, at a fraction
    of the cost for a page of hundreds)."""
    day = cell["moment"].date
    return format_html(
        '<span class="badge" title="{}">{}: {}</span>',
        date_format(day, "j-n-Y"),
        date_format(day, "j-n"),
        measurement_cell(cell),
    )


@register.simple_tag
def measurement_badges(cells) -> str:
    """A school's badges on the board and academy screens, each followed by a space: one
    tag per school rather than per cell."""
    return mark_safe("".join(f"{measurement_badge(cell)} " for cell in cells))  # noqa: S308 - escaped by format_html
