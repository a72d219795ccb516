from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from glans_learning.organisations import permissions


class SessionForm(WagtailAdminModelForm):
    """Sessions in the admin: a team lead plans sessions for their own unit only; academy
    trainers and admins may also plan academy-wide sessions (no unit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["unit"].queryset = permissions.progress_units(user).order_by("name")
        roles = permissions.user_roles(user)
        self.academy = roles.is_platform_admin or permissions.is_academy_trainer(user)
        if not self.academy:
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
        if "trainers" in self.fields:
            self.fields["trainers"].queryset = permissions.visible_users(user).order_by("last_name")

    def clean_unit(self):
        unit = self.cleaned_data.get("unit")
        if unit is None and not self.academy:
            raise ValidationError(_("Kies de organisatie-eenheid van deze bijeenkomst."))
        return unit


class RegistrationForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        from .selectors import sessions_managed_by

        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions_managed_by(self.for_user).order_by("-starts_at")
        self.fields["user"].queryset = permissions.visible_users(self.for_user).order_by(
            "last_name"
        )
