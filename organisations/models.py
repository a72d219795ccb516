"""Boards, their organisation units (schools, childcare, IKC), groups, people and roles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry

from .audit_log import ScopedLogEntryManager


class RoleCode(models.TextChoices):
    """Role codes the authorization layer reasons about. Names and descriptions are data."""

    LEARNER = "learner", _("Lerende (leerkracht, pedagogisch medewerker, mentor)")
    TDT_PARTICIPANT = "tdt_participant", _("Train-de-Trainer-deelnemer")
    DIRECTOR = "director", _("Directeur")
    IB = "ib", _("Intern begeleider (IB'er)")
    SCHOOL_EXPERTGROEP = "school_expertgroep", _("Lid Expertgroep school")
    BOARD_EXPERTGROEP = "board_expertgroep", _("Lid bovenschoolse Expertgroep")
    ACADEMY_TRAINER = "academy_trainer", _("Trainer academie")
    ACADEMY_AUDITOR = "academy_auditor", _("Auditor academie")
    PLATFORM_ADMIN = "platform_admin", _("Platformbeheerder")


ACADEMY_ROLES = frozenset(
    {RoleCode.ACADEMY_TRAINER, RoleCode.ACADEMY_AUDITOR, RoleCode.PLATFORM_ADMIN}
)
UNIT_MANAGER_ROLES = frozenset({RoleCode.DIRECTOR})
TEAM_LEAD_ROLES = frozenset({RoleCode.DIRECTOR, RoleCode.TDT_PARTICIPANT})


class Role(models.Model):
    code = models.CharField(_("code"), max_length=40, choices=RoleCode.choices, unique=True)
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("omschrijving"), blank=True)
    is_academy_role = models.BooleanField(
        _("academierol"),
        default=False,
        help_text=_("Academierollen gelden voor alle organisaties, niet voor één eenheid."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")

    def __str__(self):
        return self.name


class Board(models.Model):
    """A school board (stichting/bestuur) that owns organisation units."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    short_name = models.CharField(_("korte naam"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bestuur")
        verbose_name_plural = _("besturen")

    def __str__(self):
        return self.name


class UnitType(models.TextChoices):
    PO = "po", _("Basisschool (PO)")
    VO = "vo", _("Voortgezet onderwijs (VO)")
    KO = "ko", _("Kinderopvang (KO)")
    IKC = "ikc", _("Integraal kindcentrum (IKC)")


class OrganisationUnit(models.Model):
    """A school, childcare organisation or IKC belonging to a board."""

    board = models.ForeignKey(
        Board, verbose_name=_("bestuur"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("naam"), max_length=200)
    unit_type = models.CharField(_("soort"), max_length=8, choices=UnitType.choices)
    brin = models.CharField(
        _("BRIN/registratienummer"), max_length=12, blank=True, help_text=_("Optioneel.")
    )
    city = models.CharField(_("plaats"), max_length=120, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["board__name", "name"]
        verbose_name = _("organisatie-eenheid")
        verbose_name_plural = _("organisatie-eenheden")
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="unique_unit_name_per_board")
        ]

    def __str__(self):
        return self.name


class SchoolYear(models.Model):
    """A school year or cohort, e.g. 2026-2027. Data, not a constant."""

    label = models.CharField(_("schooljaar"), max_length=20, unique=True)
    start_date = models.DateField(_("begindatum"))
    end_date = models.DateField(_("einddatum"))

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("schooljaar")
        verbose_name_plural = _("schooljaren")

    def __str__(self):
        return self.label

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("De einddatum moet na de begindatum liggen.")})

    @classmethod
    def current(cls, today=None):
        today = today or timezone.localdate()
        return cls.objects.filter(start_date__lte=today, end_date__gte=today).first()


class Group(models.Model):
    """A group (groep 1-8) or class within a unit."""

    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        related_name="groups",
    )
    name = models.CharField(_("naam"), max_length=100)
    grade = models.PositiveSmallIntegerField(
        _("leerjaar/groep"), null=True, blank=True, help_text=_("Bijvoorbeeld 1 t/m 8 in het PO.")
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("schooljaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
    )

    class Meta:
        ordering = ["unit__name", "grade", "name"]
        verbose_name = _("groep/klas")
        verbose_name_plural = _("groepen/klassen")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name", "school_year"], name="unique_group_per_unit_year"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.unit})"


class MembershipQuerySet(models.QuerySet):
    def current(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            models.Q(school_year__isnull=True)
            | models.Q(school_year__start_date__lte=today, school_year__end_date__gte=today)
        ).filter(is_active=True)


class Membership(models.Model):
    """A person's place in a unit (or, with no unit, at the academy), with roles and a year."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persoon"),
        on_delete=models.CASCADE,
        related_name="glans_memberships",
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
        help_text=_("Leeg voor medewerkers van de academie (trainers, auditors, beheer)."),
    )
    roles = models.ManyToManyField(Role, verbose_name=_("rollen"), related_name="memberships")
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("schooljaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Leeg betekent: doorlopend."),
    )
    groups = models.ManyToManyField(
        Group, verbose_name=_("groepen/klassen"), blank=True, related_name="memberships"
    )
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name", "user__last_name", "user__first_name"]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [
            # One membership per person, unit and year; NULL unit/year spelled out so that it
            # also holds on databases without NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["user", "unit", "school_year"],
                condition=models.Q(unit__isnull=False, school_year__isnull=False),
                name="unique_membership_unit_year",
            ),
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=models.Q(unit__isnull=False, school_year__isnull=True),
                name="unique_membership_unit_ongoing",
            ),
            models.UniqueConstraint(
                fields=["user", "school_year"],
                condition=models.Q(unit__isnull=True, school_year__isnull=False),
                name="unique_membership_academy_year",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(unit__isnull=True, school_year__isnull=True),
                name="unique_membership_academy_ongoing",
            ),
        ]

    def __str__(self):
        where = self.unit.name if self.unit_id else _("Academie")
        return f"{self.user.get_full_name() or self.user.get_username()} – {where}"


class ScopedLogEntry(BaseLogEntry):
    """Admin log entries about objects of scoped models (memberships, units, groups,
    sessions, enrolments…): shown only to users who may see the object (audit_log.py)."""

    object_id = models.CharField(max_length=255, db_index=True)

    objects = ScopedLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("logregel (afgeschermd)")
        verbose_name_plural = _("logregels (afgeschermd)")
        indexes = [
            models.Index(fields=["uuid", "action", "-timestamp"], name="glans_scopedlog_uuid_idx"),
            models.Index(fields=["content_type", "object_id"], name="glans_scopedlog_object_idx"),
        ]

    def __str__(self):
        return f"ScopedLogEntry {self.pk}: {self.action} on {self.object_verbose_name} {self.object_id}"


class MembershipInvitation(models.Model):
    """A request to an existing account to join a unit. Somebody who manages the unit typed
    the person's address (staff list, admin form); the membership exists only once the
    person accepts it, logged in as that account (organisations/joining.py). Nobody joins
    a school because someone else knows their address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persoon"),
        on_delete=models.CASCADE,
        related_name="glans_membership_invitations",
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.CASCADE,
        related_name="membership_invitations",
        null=True,
        blank=True,
        help_text=_("Leeg voor een rol bij de academie."),
    )
    roles = models.ManyToManyField(Role, verbose_name=_("rollen"), related_name="+")
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("schooljaar"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    groups = models.ManyToManyField(
        Group, verbose_name=_("groepen/klassen"), blank=True, related_name="+"
    )
    # What else the person is asked to agree to, for apps above organisations (e.g.
    # {"programme": 12}: enrol in that programme once accepted; see the accepted hook).
    payload = models.JSONField(default=dict, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgenodigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("geaccepteerd"), null=True, blank=True)
    declined_at = models.DateTimeField(_("afgewezen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uitnodiging voor een organisatie-eenheid")
        verbose_name_plural = _("uitnodigingen voor een organisatie-eenheid")

    def __str__(self):
        return f"{self.user} → {self.unit}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.declined_at is None
