from django.utils.translation import gettext as _

from organisations.navigation import NavItem, register


@register
def course_nav(request):
    from .models import ProgrammeIndexPage

    items = []
    index = ProgrammeIndexPage.objects.live().first()
    if index is not None:
        url = index.get_url(request=request)
        items.append(NavItem(_("Leeraanbod"), url, request.path == url))
    return items
