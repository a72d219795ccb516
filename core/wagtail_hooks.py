"""Admin-wide additions of the core app: the script that names the admin's rich-text editors
(accessibility, issue #25)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def name_rich_text_editors():
    return format_html('<script src="{}" defer></script>', static("glans_core/admin-fields.js"))
