"""Template tags of the oudervolgsysteem."""

from django import template
from django.utils.html import format_html
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
