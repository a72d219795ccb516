from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class PlainPage(Page):
    """A plain Wagtail page (title + rich text): the baseline of the benchmark in bench/."""

    body = RichTextField(_("tekst"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    template = "glans_demo/plain_page.html"

    class Meta:
        verbose_name = _("eenvoudige pagina")
