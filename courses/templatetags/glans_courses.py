"""Fast rendering of long lesson lists (a programme can have hundreds of lessons)."""

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import LessonStatus
from ..selectors import lesson_window

register = template.Library()


@register.simple_tag
def lesson_rows(lessons, current=None, show_minutes=False, window=None, more_href=None):
    """`<li>` rows for lessons: link (or the current lesson, marked), trainer-guide badge,
    estimated minutes and the learner's status where known. Built as one string: a template
    loop costs too much at hundreds of lessons."""
    labels = {
        LessonStatus.COMPLETED: escape("✓ " + _("afgerond")),
        LessonStatus.IN_PROGRESS: escape(_("bezig")),
        LessonStatus.NOT_STARTED: escape(_("niet begonnen")),
    }
    guide = f' <span class="badge">{escape(_("trainershandleiding"))}</span>'
    minutes = escape(_("min."))
    parts = []
    if not isinstance(lessons, Sequence):
        lessons = list(lessons)
    lessons, before, after = lesson_window(lessons, current, window)
    more = escape(_("… en nog %(n)s lessen"))
    if before:
        parts.append(f'<li class="more">{more % {"n": before}}</li>')
    for lesson in lessons:
        title = escape(lesson.title)
        if current is not None and lesson.pk == current:
            row = f'<li><span aria-current="page">{title}</span>'
        else:
            row = f'<li><a href="{escape(lesson.href)}">{title}</a>'
        if show_minutes:
            row += f' <span class="help">({int(lesson.estimated_minutes)} {minutes})</span>'
        if getattr(lesson, "is_trainer_guide", False):
            row += guide
        state = getattr(lesson, "progress_state", None)
        if state is not None:
            row += f' <span class="status status--{state.status}">{labels[state.status]}</span>'
        parts.append(row + "</li>")
    if after:
        text = more % {"n": after}
        parts.append(
            f'<li class="more"><a href="{escape(more_href)}">{text}</a></li>'
            if more_href
            else f'<li class="more">{text}</li>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value above is escaped
