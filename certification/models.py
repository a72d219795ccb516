"""'School met Glans': criteria (data, per certification round), the school's handbook (a
moderated Wagtail snippet), the application with its frozen dossier, the audit steps and
the certificate. No parent data anywhere: the dossier holds aggregates only."""

import os
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin

from .lifecycle import certificate_state


class Category(models.TextChoices):
    G = "G", _("G – Grondhouding en Gesprek")
    L = "L", _("L – Lijn")
    A = "A", _("A – Ambitie")
    N = "N", _("N – Naast elkaar")
    S = "S", _("S – Systeem")
    RESULTS = "results", _("Resultaten")
    ORGANISATION = "organisation", _("Organisatie en borging")


class EvidenceType(models.TextChoices):
    HANDBOOK = "handbook", _("Hoofdstuk in het handboek")
    MEASUREMENT = "measurement", _("Meting: aandeel relaties dat glanst")
    WORKSHOP = "workshop", _("Jaarlijkse workshop: afgerond door nieuwe collega's")
    EXPERTGROEP = "expertgroep", _("Samenstelling Expertgroep")
    TDT = "tdt", _("Aanwezigheid Train-de-Trainer")


class CriterionSet(models.Model):
    """One certification round's criteria (e.g. 2026-2027). Earlier rounds stay as they
    were, so a dossier always points at the criteria it was judged by."""

    name = models.CharField(_("naam"), max_length=120, unique=True)
    description = models.TextField(_("toelichting"), blank=True)
    is_active = models.BooleanField(_("in gebruik"), default=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("criteriaset")
        verbose_name_plural = _("criteriasets")

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.filter(is_active=True).order_by("-created_at").first()


class Criterion(models.Model):
    criterion_set = models.ForeignKey(
        CriterionSet, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("set")
    )
    code = models.CharField(_("code"), max_length=20)
    category = models.CharField(_("onderdeel"), max_length=20, choices=Category.choices)
    title = models.CharField(_("criterium"), max_length=250)
    guidance = models.TextField(
        _("vraag voor het handboek"),
        blank=True,
        help_text=_("Wat beschrijft de school in dit hoofdstuk van het handboek?"),
    )
    evidence_type = models.CharField(_("soort bewijs"), max_length=20, choices=EvidenceType.choices)
    threshold = models.PositiveSmallIntegerField(
        _("drempel"),
        null=True,
        blank=True,
        help_text=_(
            "Percentage (meting, workshop, aanwezigheid) of aantal leden (Expertgroep). Leeg "
            "bij de meting: het doel van het implementatiejaar van de school."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    rubric_start = models.TextField(_("rubriek: begint"), blank=True)
    rubric_growing = models.TextField(_("rubriek: groeit"), blank=True)
    rubric_shining = models.TextField(_("rubriek: glanst"), blank=True)
    handbook_template = models.TextField(
        _("sjabloon voor het handboek"),
        blank=True,
        help_text=_("Tekst waarmee een nieuw hoofdstuk van het handboek begint."),
    )

    class Meta:
        ordering = ["criterion_set", "sort_order", "code"]
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion_set", "code"], name="unique_criterion_code_per_set"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Handbook(DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """How a school safeguards the Glans-techniek, per school year: one section per
    criterion. Drafts, revisions and locking come from Wagtail; see docs/certification.md
    for why there is no Wagtail workflow on it."""

    unit = models.ForeignKey(
        "glans_organisations.OrganisationUnit",
        on_delete=models.CASCADE,
        related_name="glans_handbooks",
        verbose_name=_("organisatie-eenheid"),
    )
    school_year = models.ForeignKey(
        "glans_organisations.SchoolYear",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("schooljaar"),
    )
    criterion_set = models.ForeignKey(
        CriterionSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("criteriaset")
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handboek van vorig jaar"),
    )
    intro = RichTextField(_("inleiding"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    panels = [
        FieldPanel("intro"),
        InlinePanel(
            "sections",
            heading=_("Hoofdstukken"),
            panels=[FieldPanel("criterion", read_only=True), FieldPanel("body")],
        ),
    ]

    class Meta:
        verbose_name = _("handboek")
        verbose_name_plural = _("handboeken")
        constraints = [
            models.UniqueConstraint(fields=["unit", "school_year"], name="one_handbook_per_year")
        ]

    def __str__(self):
        return _("Handboek %(unit)s %(year)s") % {"unit": self.unit, "year": self.school_year}


class HandbookSection(Orderable):
    handbook = ParentalKey(Handbook, on_delete=models.CASCADE, related_name="sections")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterium")
    )
    body = RichTextField(_("hoe borgen wij dit?"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("hoofdstuk")
        verbose_name_plural = _("hoofdstukken")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("ingediend, intake volgt")
    RETURNED = "returned", _("aanvulling nodig (intake)")
    REVIEW = "review", _("beoordeling per criterium")
    CONVERSATION = "conversation", _("waarderend gesprek")
    DECISION = "decision", _("besluit volgt")
    SECOND_OPINION = "second_opinion", _("wacht op tweede auditor")
    CERTIFIED = "certified", _("gecertificeerd")
    NOT_YET = "not_yet", _("nog niet: ontwikkelpunten")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.REVIEW,
    Status.CONVERSATION,
    Status.DECISION,
    Status.SECOND_OPINION,
)


class Application(models.Model):
    """A school's request to be certified, with the dossier frozen at submission."""

    unit = models.ForeignKey(
        "glans_organisations.OrganisationUnit",
        on_delete=models.CASCADE,
        related_name="glans_certification_applications",
        verbose_name=_("organisatie-eenheid"),
    )
    school_year = models.ForeignKey(
        "glans_organisations.SchoolYear", on_delete=models.PROTECT, related_name="+"
    )
    criterion_set = models.ForeignKey(CriterionSet, on_delete=models.PROTECT, related_name="+")
    handbook = models.ForeignKey(Handbook, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("ingediend op"), default=timezone.now)
    dossier = models.JSONField(_("dossier"), default=dict)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auditor"),
    )
    intake_remarks = models.TextField(_("opmerkingen bij de intake"), blank=True)
    conversation_at = models.DateTimeField(_("datum gesprek"), null=True, blank=True)
    conversation_place = models.CharField(_("plaats"), max_length=200, blank=True)
    conversation_participants = models.TextField(_("deelnemers"), blank=True)
    conversation_agenda = models.TextField(_("wat we bespreken"), blank=True)
    report_successes = models.TextField(_("successen"), blank=True)
    report_development = models.TextField(_("ontwikkelpunten"), blank=True)
    report_cooperation = models.TextField(_("mate van geslaagde samenwerking"), blank=True)
    report_next_steps = models.TextField(_("stappen voor volgend jaar"), blank=True)
    decision_remarks = models.TextField(_("toelichting bij het besluit"), blank=True)
    valid_until = models.DateField(_("geldig tot"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    proposed_outcome = models.CharField(max_length=20, blank=True)
    second_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tweede auditor"),
    )
    second_approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(
                    status__in=[
                        "submitted",
                        "review",
                        "conversation",
                        "decision",
                        "second_opinion",
                    ]
                ),
                name="one_open_application_per_unit",
            )
        ]

    def __str__(self):
        return _("Aanvraag %(unit)s (%(date)s)") % {
            "unit": self.unit,
            "date": timezone.localdate(self.submitted_at),
        }

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Verdict(models.TextChoices):
    MET = "met", _("voldoet")
    DEVELOPMENT = "development", _("ontwikkelpunt")


class CriterionReview(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("oordeel"), max_length=20, choices=Verdict.choices)
    remarks = models.TextField(_("toelichting"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="one_review_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.verdict}"


ACTION_LABELS = {
    "submitted": _("aanvraag ingediend, dossier vastgelegd"),
    "intake": _("intake afgerond"),
    "review": _("criterium beoordeeld"),
    "review_complete": _("alle criteria beoordeeld"),
    "conversation_planned": _("gesprek gepland"),
    "conversation_reported": _("verslag van het gesprek vastgelegd"),
    "decision_proposed": _("besluit voorgesteld, tweede auditor kijkt mee"),
    "decided": _("besluit genomen"),
    "revoked": _("certificaat ingetrokken"),
    "register": _("keuze openbaar register aangepast"),
    "checkin": _("jaarlijkse check-in gedaan"),
    "checkin_accepted": _("check-in bekeken door de auditor"),
}


class AuditEvent(models.Model):
    """Every step of an application, visible to the school: who did what when (staff
    accounts only; never parent data)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)
    # Set once the school (and its board's Expertgroep) has been mailed about this step
    # (decisions, returns, revocations): the mail task claims it first, so it mails once.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self):
        return ACTION_LABELS.get(self.action, self.action)


def new_code() -> str:
    return secrets.token_hex(6).upper()


class Certificate(models.Model):
    unit = models.ForeignKey(
        "glans_organisations.OrganisationUnit",
        on_delete=models.CASCADE,
        related_name="glans_certificates",
        verbose_name=_("organisatie-eenheid"),
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(_("verificatiecode"), max_length=20, unique=True, default=new_code)
    issued_at = models.DateTimeField(_("uitgereikt op"), default=timezone.now)
    valid_until = models.DateField(_("geldig tot"))
    in_register = models.BooleanField(_("in het openbare register"), default=False)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_reason = models.TextField(_("reden van intrekking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The PDF, made once by tasks.make_certificate_pdf (written only while empty).
    pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificaat")
        verbose_name_plural = _("certificaten")

    def __str__(self):
        return _("School met Glans: %(unit)s") % {"unit": self.unit}

    def is_valid(self, today=None) -> bool:
        """Revoked, expired or suspended (yearly check-in long overdue) is not valid; see
        lifecycle.certificate_state."""
        return certificate_state(self, today=today)["valid"]


class CheckIn(models.Model):
    """The yearly check-in that keeps a certificate valid: the school confirms that the
    handbook was strengthened (a published handbook of this school year) and how the
    measurements stand (live figures, frozen here). The auditor reads and accepts it."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("verwacht op"))
    handbook = models.ForeignKey(Handbook, on_delete=models.PROTECT, related_name="+")
    revision_id = models.PositiveIntegerField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    remarks = models.TextField(_("toelichting van de school"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_remarks = models.TextField(_("reactie van de auditor"), blank=True)

    class Meta:
        ordering = ["-due_on"]
        verbose_name = _("jaarlijkse check-in")
        verbose_name_plural = _("jaarlijkse check-ins")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "due_on"], name="one_checkin_per_year")
        ]

    def __str__(self):
        return f"{self.certificate_id}: {self.due_on}"


class HandbookComment(models.Model):
    """The school team's own notes on a section while writing: internal work, not part of
    the dossier, never shown to the academy."""

    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="comments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("opmerking"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.handbook_id}/{self.criterion_id}"


def attachment_path(instance, filename):
    ext = os.path.splitext(filename)[1].lower()
    return f"glans_certification/{instance.handbook.unit_id}/{secrets.token_hex(16)}{ext}"


class HandbookAttachment(models.Model):
    """A file that supports a handbook section. Never changed once uploaded; removing hides
    it from the handbook but keeps the file, so a frozen dossier that lists it still shows
    exactly what was submitted. Served only through a permission-checked view."""

    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="attachments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(_("bestand"), upload_to=attachment_path)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self):
        return self.title
