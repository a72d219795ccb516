import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.html import mark_safe
from wagtail import hooks

from glans_learning.core.i18n import switcher_languages
from glans_learning.core.navigation import DASHBOARD_SECTIONS_HOOK, items_for

register = template.Library()


@register.simple_tag(takes_context=True)
def glans_nav(context):
    request = context.get("request")
    return items_for(request) if request is not None else []


@register.simple_tag
def glans_switcher_languages():
    """Languages for the switcher in the base template; empty means: show no switcher."""
    return switcher_languages()


@register.simple_tag(takes_context=True)
def glans_dashboard_sections(context):
    """HTML sections that apps add to the learner's dashboard (DASHBOARD_SECTIONS_HOOK)."""
    request = context.get("request")
    if request is None:
        return ""
    parts = [hook(request) for hook in hooks.get_hooks(DASHBOARD_SECTIONS_HOOK)]
    return mark_safe("".join(p for p in parts if p))  # noqa: S308 (rendered templates)


_VERDICTS = ("ja", "nee", "juist", "niet juist", "goed", "fout", "klopt", "correct", "yes", "no")


@register.filter
def starts_with_verdict(text) -> bool:
    """Whether feedback already opens with its verdict ("Nee. …"), so the page does not add
    a second one ("Niet juist. Nee. …")."""
    first = str(text or "").strip().lower()
    return any(
        first == word or first.startswith((f"{word}.", f"{word},", f"{word}!", f"{word} –"))
        for word in _VERDICTS
    )


@register.filter
def moment(value, with_time=True):
    """A date or moment as people read it, in the site's time zone and language ("5 december
    2026 22:28"): also for the ISO strings kept in JSON snapshots (a dossier), which a
    template would otherwise print raw ("2026-12-05T21:28:49.675400+00:00")."""

    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed.date() if len(value) == 10 else parsed
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, "j F Y H:i" if with_time else "j F Y")
    if isinstance(value, datetime.date):
        return dateformat.format(value, "j F Y")
    return value


@register.filter
def webcal(url: str) -> str:
    """A calendar feed's address as a `webcal:` link, which opens the calendar app to
    subscribe (https://… → webcal://…)."""
    for scheme in ("https://", "http://"):
        if str(url).startswith(scheme):
            return "webcal://" + str(url)[len(scheme) :]
    return url
