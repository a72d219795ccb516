"""Fast rendering of long lesson lists (a programme can have hundreds of lessons) and of a
lesson's body."""

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from glans_learning.content.blocks import STATIC_BLOCK_TYPES

from ..models import LessonStatus
from ..selectors import lesson_window, tree_cache

register = template.Library()


MEMO_SIZE = 16  # variants of a shared lesson list's rows kept (languages × options)


@register.simple_tag
def lesson_rows(
    lessons, current=None, show_minutes=False, window=None, more_href=None, statuses=None
):
    """`<li>` rows for lessons: link (or the current lesson, marked), trainer-guide badge,
    estimated minutes and the learner's status from `statuses` ({lesson id: status}) where
    known. Built as one string: a template loop costs too much at hundreds of lessons.

    What is the same for every learner (each row up to its status) is built once per
    language and options for a shared outline's lessons (a LessonList) and kept with it; a
    view then only adds the learner's statuses."""
    if not isinstance(lessons, Sequence):
        lessons = list(lessons)
    memo = getattr(lessons, "rendered", None)
    key = (get_language(), current, bool(show_minutes), window, more_href)
    static = memo.get(key) if memo is not None else None
    if static is None:
        static = _static_rows(lessons, current, show_minutes, window, more_href)
        if memo is not None and len(memo) < MEMO_SIZE:
            memo[key] = static
    head, rows, tail, ends = static
    if statuses:
        status_of = statuses.get
        body = "\n".join([row + ends.get(status_of(pk), "</li>") for pk, row in rows])
    else:
        body = "\n".join([row + "</li>" for _pk, row in rows])
    return mark_safe(head + body + tail)  # noqa: S308 - every value is escaped in _static_rows


def _static_rows(lessons, current, show_minutes, window, more_href) -> tuple:
    """(head, [(lesson id, its row up to its status)], tail, {status: the row's end}), all
    escaped: the rows as every learner sees them, in the active language."""
    guide = f' <span class="badge">{escape(_("trainershandleiding"))}</span>'
    minutes = escape(_("min."))
    lessons, before, after = lesson_window(lessons, current, window)
    more = escape(_("… en nog %(n)s lessen"))
    head = f'<li class="more">{more % {"n": before}}</li>\n' if before else ""
    tail = ""
    if after:
        text = more % {"n": after}
        tail = "\n" + (
            f'<li class="more"><a href="{escape(more_href)}">{text}</a></li>'
            if more_href
            else f'<li class="more">{text}</li>'
        )
    rows = []
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
        rows.append((lesson.pk, row))
    labels = {
        LessonStatus.COMPLETED.value: escape("✓ " + _("afgerond")),
        LessonStatus.IN_PROGRESS.value: escape(_("bezig")),
        LessonStatus.NOT_STARTED.value: escape(_("niet begonnen")),
    }
    ends = {
        status: f' <span class="status status--{status}">{label}</span></li>'
        for status, label in labels.items()
    }
    return head, rows, tail, ends


@register.simple_tag(takes_context=True)
def lesson_body(context, page):
    """The lesson's blocks in order, as `{% include_block %}` renders each with the page's
    context. The blocks of STATIC_BLOCK_TYPES (text, headings, tips, …: the same HTML for
    every visitor) are rendered once per published version and language and kept in the
    course tree's copy (tree_cache: a new version whenever a page, image or document
    changes); only the others (answers, exercises, trainer notes) are rendered on every
    view. A preview renders everything: it shows a draft under the live page's id."""
    body = page.body
    request = context.get("request")
    if getattr(request, "is_preview", False) or page.pk is None:
        parts = _body_parts(body)
    else:
        key = ("lesson-body", page.pk, page.live_revision_id, get_language())
        parts = tree_cache.rows(key, lambda: _body_parts(body))
    html, flat = [], None
    for part in parts:
        if isinstance(part, str):
            html.append(part)
            continue
        if flat is None:
            flat = context.flatten()
        html.append(conditional_escape(body[part].render_as_block(context=flat)))
    return mark_safe("".join(html))  # noqa: S308 - each block's HTML, escaped as include_block does


def _body_parts(body) -> tuple:
    """The body as parts: the HTML of each run of static blocks (rendered without the page's
    context, so that nothing of a visitor can be in it) and, for every other block, its index."""
    parts, run = [], []
    raw = body.raw_data
    for index in range(len(body)):
        if raw[index]["type"] in STATIC_BLOCK_TYPES:
            run.append(str(conditional_escape(body[index].render_as_block(context={}))))
            continue
        if run:
            parts.append("".join(run))
            run = []
        parts.append(index)
    if run:
        parts.append("".join(run))
    return tuple(parts)
