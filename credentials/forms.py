from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import services


class CorrectionForm(WagtailAdminModelForm):
    """A correction is a new ledger entry with a reason (services.points_correct)."""

    reason = forms.CharField(label=_("reden"), widget=forms.Textarea, required=True)

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Geef een reden voor de correctie."))
        return reason

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount == 0:
            raise ValidationError(_("Geef een getal op."))
        return amount

    def save(self, commit=True):
        self.instance = services.points_correct(
            by=self.for_user,
            register=self.cleaned_data["register"],
            user=self.cleaned_data["user"],
            amount=self.cleaned_data["amount"],
            reason=self.cleaned_data["reason"],
            day=self.cleaned_data.get("earned_on"),
        )
        return self.instance

    def _post_clean(self):
        # The service builds the entry; only the fields are validated here.
        pass


class RevocationForm(WagtailAdminModelForm):
    """Revoking is the only change to a certificate (services.certificate_revoke)."""

    def clean_revocation_reason(self):
        reason = (self.cleaned_data.get("revocation_reason") or "").strip()
        if not reason:
            raise ValidationError(_("Geef een reden voor het intrekken."))
        return reason

    def save(self, commit=True):
        self.instance = services.certificate_revoke(
            by=self.for_user,
            certificate=self.instance,
            reason=self.cleaned_data["revocation_reason"],
        )
        return self.instance
