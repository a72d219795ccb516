from django import template

from glans_learning.core.navigation import items_for

register = template.Library()


@register.simple_tag(takes_context=True)
def glans_nav(context):
    request = context.get("request")
    return items_for(request) if request is not None else []
