from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from glans_learning.core.forms import ListedModelChoiceField, PlainSelect
from glans_learning.organisations import permissions
from glans_learning.organisations.models import Role, SchoolYear

from .models import Attendance, ProgrammePage
from .models.sessions import validate_single_line
from .selectors import sessions_managed_by
from .selectors.guides import trainer_guides
from .services import attendance_check, enrol, enrol_check, registration_manage, session_plan


def person_label(user) -> str:
    """People in choice lists by their full name (with the username only when there is none)."""
    return user.get_full_name().strip() or user.get_username()


class SessionForm(WagtailAdminModelForm):
    """Sessions in the admin: a team lead plans sessions for their own unit only; academy
    trainers and admins may also plan academy-wide sessions (no unit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["unit"].queryset = permissions.progress_units(user).order_by("name")
        self.academy = permissions.is_admin_or_academy_trainer(user)
        if not self.academy:
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
        if "trainers" in self.fields:
            self.fields["trainers"].queryset = permissions.visible_users(user).order_by("last_name")
            self.fields["trainers"].label_from_instance = person_label
        if "modules" in self.fields:
            # "Train-de-Trainer – G – Grondhouding en Gesprek": the same letter exists in
            # every programme, so each module is named with its programme.
            programmes = dict(ProgrammePage.objects.values_list("path", "title"))
            field = self.fields["modules"]
            field.queryset = field.queryset.order_by("path")
            field.label_from_instance = lambda module: (
                f"{programmes.get(module.path[: -module.steplen], '')} – {module.title}"
            )

    def save(self, commit=True):
        instance = super().save(commit=False)
        if not commit:
            return instance
        session_plan(by=self.for_user, session=instance)
        self.save_m2m()
        return instance

    def clean_unit(self):
        unit = self.cleaned_data.get("unit")
        if unit is None and not self.academy:
            raise ValidationError(_("Kies de organisatie-eenheid van deze bijeenkomst."))
        return unit


class RegistrationForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions_managed_by(self.for_user).order_by("-starts_at")
        self.fields["user"].queryset = permissions.visible_users(self.for_user).order_by(
            "last_name"
        )
        self.fields["user"].label_from_instance = person_label
        self._attendance_before = self.instance.attendance if self.instance.pk else None
        if self.instance.pk:  # a registration stays who and which session it is
            for name in ("session", "user"):
                self.fields[name].disabled = True

    def clean(self):
        """Attendance follows the same rules as on the front end (services.attendance_check)."""

        cleaned = super().clean()
        session, user = cleaned.get("session"), cleaned.get("user")
        attendance = cleaned.get("attendance") or Attendance.UNKNOWN
        if session is None or user is None:
            return cleaned
        changed = attendance != (self._attendance_before or Attendance.UNKNOWN)
        if changed:
            try:
                attendance_check(
                    by=self.for_user, session=session, user_id=user.pk, attendance=attendance
                )
            except PermissionDenied:
                raise ValidationError(
                    _("Je mag de aanwezigheid voor deze bijeenkomst niet registreren.")
                ) from None
        return cleaned

    def save(self, commit=True):
        """Through the registration service, like the front end (no second write path)."""
        instance = super().save(commit=False)
        if not commit:
            return instance
        return registration_manage(
            by=self.for_user,
            session=instance.session,
            user=instance.user,
            attendance=instance.attendance or Attendance.UNKNOWN,
            note=instance.attendance_note or "",
        )


class EnrollmentCreateForm(WagtailAdminModelForm):
    """A new enrolment in the admin goes through the enrolment service: its rules become form
    errors (never a database error), and enrolling someone twice changes nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = permissions.visible_users(self.for_user).order_by(
            "last_name"
        )
        self.fields["user"].label_from_instance = person_label
        self.fields["unit"].queryset = permissions.progress_units(self.for_user).order_by("name")
        self.fields["unit"].required = True
        self.fields["programme"].queryset = ProgrammePage.objects.live().order_by("path")

    def clean(self):

        cleaned = super().clean()
        user, programme, unit = cleaned.get("user"), cleaned.get("programme"), cleaned.get("unit")
        if user is not None and programme is not None and unit is not None:
            try:
                enrol_check(user=user, programme=programme, by=self.for_user, unit=unit)
            except PermissionDenied:
                raise ValidationError(
                    _("Je mag deze persoon niet voor dit programma inschrijven.")
                ) from None
        return cleaned

    def _post_clean(self):
        """No model validation: the enrolment service decides (enrolling again reuses the
        existing enrolment instead of breaking the one-enrolment-per-year constraint)."""

    def save(self, commit=True):
        data = self.cleaned_data
        self.instance = enrol(
            user=data["user"],
            programme=data["programme"],
            by=self.for_user,
            unit=data["unit"],
            school_year=data.get("school_year"),
        )
        return self.instance


# --- front-end forms ---------------------------------------------------------------------


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Aanwezigheid"), choices=Attendance.choices)
    note = forms.CharField(label=_("Toelichting"), max_length=250, required=False)


class TeamFilterForm(forms.Form):
    # Each list read once for validation and options, options rendered without a template
    # per option (core.forms, issue #30): the same markup as Django's ModelChoiceField.
    unit = ListedModelChoiceField(label=_("School of organisatie"), queryset=None, empty_label=None)
    programme = ListedModelChoiceField(label=_("Programma"), queryset=None, empty_label=None)
    school_year = ListedModelChoiceField(
        label=_("Schooljaar (cohort)"),
        queryset=None,
        required=False,
        empty_label=_("alle schooljaren"),
    )
    role = forms.ChoiceField(label=_("Rol"), required=False, widget=PlainSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = permissions.progress_units(user).order_by("name")
        self.fields["programme"].queryset = ProgrammePage.objects.live().order_by("path")
        self.fields["school_year"].queryset = SchoolYear.objects.all()
        self.fields["role"].choices = [("", _("alle rollen"))] + [
            (r.code, r.name) for r in Role.objects.filter(is_academy_role=False)
        ]


class TeamEnrolForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programma"), queryset=None, empty_label=None)
    members = forms.MultipleChoiceField(
        label=_("Teamleden"), required=False, widget=forms.CheckboxSelectMultiple
    )
    staff_file = forms.FileField(
        label=_("Of upload een personeelslijst (CSV of XLSX)"),
        required=False,
        help_text=_("Kolommen: e-mail, voornaam, achternaam. De eerste regel bevat de kolomnamen."),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = ProgrammePage.objects.live().order_by("path")
        self.fields["members"].choices = [
            (str(m.user_id), m.user.get_full_name() or m.user.username)
            for m in unit.memberships.current().select_related("user").order_by("user__last_name")
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("members") and not cleaned.get("staff_file"):
            raise forms.ValidationError(_("Kies teamleden of upload een personeelslijst."))
        return cleaned


class TeamSessionForm(forms.Form):
    """Plan a team session from a trainer guide (team-session mode)."""

    guide = forms.ModelChoiceField(queryset=None, label=_("Trainershandleiding"))
    unit = forms.ModelChoiceField(queryset=None, label=_("School"), empty_label=None)
    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Begintijd"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label=_("Duur (minuten)"), min_value=15, max_value=8 * 60, initial=90
    )
    location = forms.CharField(label=_("Plaats"), max_length=250)
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        required=False,
        help_text=_("Leeg laten: 'Teambijeenkomst: ' met de naam van de module."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide"].queryset = trainer_guides()
        self.fields["unit"].queryset = permissions.team_session_units(user)

    def clean_title(self):
        title = self.cleaned_data.get("title", "")
        validate_single_line(title)
        return title
