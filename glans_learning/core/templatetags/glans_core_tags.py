from django import template

from glans_learning.core.navigation import items_for

register = template.Library()


@register.simple_tag(takes_context=True)
def glans_nav(context):
    request = context.get("request")
    return items_for(request) if request is not None else []


@register.simple_tag
def glans_switcher_languages():
    """Languages for the switcher in the base template; empty means: show no switcher."""
    from glans_learning.core.i18n import switcher_languages

    return switcher_languages()
