"""Admin screen for django-axes login lockouts (only imported when axes is installed).

django-axes has no Dutch and names its rows "access attempts"; an admin here lifts a
blockade. So the screen speaks of *blokkades*: its own titles, column names and a *Blokkade
opheffen* action (which deletes the attempt record, as axes expects), with times in the
site's time zone."""

from axes.models import AccessAttempt
from django.utils import dateformat, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic

from .admin_views import ScopedModelViewSet

TITLE = _("Geblokkeerde aanmeldingen")
LIFT = _("Blokkade opheffen")


def _when(value) -> str:
    if value is None:
        return ""
    return dateformat.format(timezone.localtime(value), "j F Y H:i")


def describe(attempt) -> str:
    """'Blokkade van leraar.zonnebloem (127.0.0.1)': how a lockout is named on the screen."""
    return _t("Blokkade van %(username)s (%(ip)s)") % {
        "username": attempt.username or "–",
        "ip": attempt.ip_address or "–",
    }


class _Named:
    """Dutch names where Wagtail would use the model's English ones."""

    page_title = TITLE

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        for item in items:
            if str(item.get("label", "")).lower() == str(AccessAttempt._meta.verbose_name_plural):
                item["label"] = TITLE
        return items


class _LockoutPaginator(WagtailPaginator):
    """The count under the list: "1 geblokkeerde aanmelding", "3 geblokkeerde aanmeldingen"."""

    @cached_property
    def items_count_label(self):
        return ngettext(
            "%(n)s geblokkeerde aanmelding", "%(n)s geblokkeerde aanmeldingen", self.count
        ) % {"n": self.count}


class LockoutIndexView(_Named, generic.IndexView):
    paginator_class = _LockoutPaginator
    verbose_name = _("geblokkeerde aanmelding")
    verbose_name_plural = _("geblokkeerde aanmeldingen")

    @property
    def no_results_message(self):
        return _t("Er zijn geen geblokkeerde aanmeldingen.")


class LockoutInspectView(_Named, generic.InspectView):
    page_title = _("Blokkade bekijken")

    def get_page_subtitle(self):
        return describe(self.object)

    def get_fields_context(self):
        labels = {
            "username": _("Gebruikersnaam"),
            "ip_address": _("IP-adres"),
            "failures_since_start": _("Mislukte pogingen"),
            "attempt_time": _("Laatste poging"),
            "path_info": _("Adres"),
        }
        values = {
            "attempt_time": _when(self.object.attempt_time),
        }
        return [
            {
                "label": labels[name],
                "value": values.get(name, getattr(self.object, name) or "–"),
                "component": None,
            }
            for name in self.fields
        ]


class LockoutDeleteView(_Named, generic.DeleteView):
    page_title = LIFT
    template_name = "glans_organisations/admin/lockout_delete.html"
    success_message = None

    def get_page_subtitle(self):
        return describe(self.object)

    @property
    def confirmation_message(self):
        return _t(
            "Na het opheffen kan %(username)s meteen weer inloggen. De mislukte pogingen "
            "worden vergeten."
        ) % {"username": self.object.username or "–"}

    def get_success_message(self):
        return _t("De blokkade van %(username)s is opgeheven.") % {
            "username": self.object.username or "–"
        }


class LockoutViewSet(ScopedModelViewSet):
    """Login lockouts (django-axes): lifting one deletes its attempt record."""

    model = AccessAttempt
    icon = "lock"
    menu_label = TITLE
    index_view_class = LockoutIndexView
    inspect_view_class = LockoutInspectView
    delete_view_class = LockoutDeleteView
    list_display = [
        Column("username", label=_("Gebruikersnaam")),
        Column("ip_address", label=_("IP-adres")),
        Column("failures_since_start", label=_("Mislukte pogingen")),
        Column(
            "attempt_time",
            label=_("Laatste poging"),
            accessor=lambda attempt: _when(attempt.attempt_time),
        ),
    ]
    search_fields = ["username", "ip_address"]
    list_export = ["username", "ip_address", "failures_since_start", "attempt_time"]
    export_headings = {
        "username": _("Gebruikersnaam"),
        "ip_address": _("IP-adres"),
        "failures_since_start": _("Mislukte pogingen"),
        "attempt_time": _("Laatste poging"),
    }
    export_filename = "geblokkeerde-aanmeldingen"
    inspect_view_enabled = True
    inspect_view_fields = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "path_info",
    ]
    copy_view_enabled = False
    # Nothing is added or edited by hand: the policy allows only view and delete.
    form_fields = ["username"]
