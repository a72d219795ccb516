"""Admin forms: saving goes through the services (one write path). The client secret is a
write-only field: the form never shows a stored secret, only whether there is one."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from glans_learning.organisations import permissions as org

from . import services


class IdentityProviderForm(WagtailAdminModelForm):
    new_secret = forms.CharField(
        label=_("client-secret (OpenID Connect)"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Wordt versleuteld opgeslagen en nooit meer getoond. Leeg laten houdt het "
            "opgeslagen secret. Liever: een omgevingsvariabele (hierboven)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.secret_encrypted:
            self.fields["new_secret"].help_text = _(
                "Er is een secret opgeslagen (niet zichtbaar). Vul alleen een nieuw in om het "
                "te vervangen."
            )

    def save(self, commit=True):
        instance = super().save(commit=False)
        if not commit:
            return instance
        return services.provider_save(
            by=self.for_user,
            provider=instance,
            units=self.cleaned_data.get("units") or [],
            secret=self.cleaned_data.get("new_secret") or "",
        )


class SchoolLoginSettingsForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].queryset = org.managed_units(self.for_user).order_by("name")

    def save(self, commit=True):
        instance = super().save(commit=False)
        if not commit:
            return instance
        return services.login_settings_save(by=self.for_user, instance=instance)
