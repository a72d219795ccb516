from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import permissions
from .models import Group, Membership, Role, SchoolYear
from .services import member_add_by_email, membership_check, membership_save


class UnitScopedForm(WagtailAdminModelForm):
    """An admin form whose `unit` choice lists only the units the user manages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            self.fields["unit"].queryset = permissions.managed_units(self.for_user)


class MembershipForm(WagtailAdminModelForm):
    """Membership form for the admin: every choice is limited to what the user may manage."""

    new_first_name = forms.CharField(label=_("Voornaam (nieuwe persoon)"), required=False)
    new_last_name = forms.CharField(label=_("Achternaam (nieuwe persoon)"), required=False)
    new_email = forms.EmailField(label=_("E-mailadres (nieuwe persoon)"), required=False)

    class Meta:
        model = Membership
        fields = ["user", "unit", "roles", "school_year", "groups", "is_active"]
        widgets = {
            "roles": forms.CheckboxSelectMultiple,
            "groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        units = permissions.managed_units(user)
        self.fields["user"].required = False
        self.fields["user"].queryset = permissions.attachable_users(user).order_by(
            "last_name", "first_name", "username"
        )
        self.fields["user"].label_from_instance = lambda person: (
            person.get_full_name().strip() or person.get_username()
        )
        self.fields["user"].help_text = _(
            "Kies een bestaande persoon, of vul hieronder de gegevens van een nieuwe persoon in."
        )
        self.fields["unit"].queryset = units
        if not permissions.is_platform_admin(user):
            self.fields["unit"].required = True
            self.fields["roles"].queryset = Role.objects.filter(is_academy_role=False)
        self.fields["groups"].queryset = Group.objects.filter(unit__in=units).select_related("unit")
        self.fields["school_year"].queryset = SchoolYear.objects.all()
        if self.instance.pk:  # adding a person by address is for new memberships only
            for name in ("new_first_name", "new_last_name", "new_email"):
                self.fields.pop(name)
        self.added = None  # what member_add_by_email did (create view)

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        email = cleaned.get("new_email")
        if user is None and not email:
            raise ValidationError(
                _("Kies een persoon of vul het e-mailadres van een nieuwe persoon in.")
            )
        if user is not None and email:
            raise ValidationError(_("Kies óf een bestaande persoon, óf vul een nieuwe persoon in."))
        if email and cleaned.get("unit") is not None:
            # Said only about the user's own unit, whose members they may see anyway. Any
            # other address gets the same answer whether it has an account or not.
            existing = get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
            if (
                existing is not None
                and Membership.objects.filter(
                    user=existing, unit=cleaned["unit"], school_year=cleaned.get("school_year")
                ).exists()
            ):
                self.add_error("new_email", _("Deze persoon is al lid van deze eenheid."))
        try:
            membership_check(
                by=self.for_user,
                unit=cleaned.get("unit"),
                roles=list(cleaned.get("roles") or []),
                groups=list(cleaned.get("groups") or []),
            )
        except ValidationError as exc:
            self.add_error(None, exc)
        except PermissionDenied:
            self.add_error("unit", _("Je mag deze organisatie-eenheid niet beheren."))
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("user") is None and self.cleaned_data.get("new_email"):
            # A new address gets an account and this membership; an existing account only
            # an invitation to join that its owner accepts (then `membership` is None).
            self.added = member_add_by_email(
                by=self.for_user,
                unit=self.cleaned_data.get("unit"),
                email=self.cleaned_data["new_email"],
                roles=self.cleaned_data.get("roles") or [],
                school_year=self.cleaned_data.get("school_year"),
                groups=self.cleaned_data.get("groups") or [],
                first_name=self.cleaned_data.get("new_first_name", ""),
                last_name=self.cleaned_data.get("new_last_name", ""),
            )
            if self.added.membership is not None:
                self.instance = self.added.membership
            return self.added.membership
        membership = super().save(commit=False)
        if not commit:
            return membership
        return membership_save(
            by=self.for_user,
            membership=membership,
            roles=self.cleaned_data.get("roles") or [],
            groups=self.cleaned_data.get("groups") or [],
        )
