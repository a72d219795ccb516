"""What GLANS keeps about LTI on top of django-lti's registrations, deployments, users,
contexts and resource links (app `lti_tool`): which school a platform's launches belong to,
which page a placed link opens, and what was last sent to a platform's gradebook."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiDeployment, LtiRegistration, LtiResourceLink
from wagtail.models import Page

from glans_learning.organisations.models import OrganisationUnit


class Placement(models.Model):
    """A registered platform, tied to the organisation unit its launches belong to (a school,
    or a pabo as its own kind of unit). Chosen by a platform admin at registration."""

    registration = models.OneToOneField(
        LtiRegistration,
        verbose_name=_("platformregistratie"),
        on_delete=models.CASCADE,
        related_name="glans_placement",
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("organisatie-eenheid"),
        on_delete=models.PROTECT,
        related_name="lti_placements",
    )
    frame_origins = models.TextField(
        _("toegestane insluitende adressen"),
        blank=True,
        help_text=_(
            "Eén adres per regel (https://lms.example.nl) waarvandaan het platform GLANS in een "
            "frame mag tonen. Leeg: het adres van de inlog-URL van het platform."
        ),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI-plaatsing")
        verbose_name_plural = _("LTI-plaatsingen")

    def __str__(self):
        return f"{self.registration} → {self.unit}"


class PlacedLink(models.Model):
    """The GLANS page (programme, module or lesson) a resource link on the platform opens:
    recorded from the deep-linking choice at the link's first launch."""

    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.CASCADE, related_name="glans_link"
    )
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("geplaatste link")
        verbose_name_plural = _("geplaatste links")

    def __str__(self):
        return f"{self.resource_link} → {self.page_id}"


class GradeTarget(models.Model):
    """One learner's column in a platform's gradebook (an AGS line item) for one placed link,
    and what was last sent to it: a score is posted once, and again only when it changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="glans_lti_grades"
    )
    link = models.ForeignKey(PlacedLink, on_delete=models.CASCADE, related_name="targets")
    deployment = models.ForeignKey(LtiDeployment, on_delete=models.CASCADE, related_name="+")
    lti_sub = models.CharField(max_length=255)
    lineitem_url = models.URLField(max_length=1000)
    scope = models.JSONField(default=list)
    posted_score = models.FloatField(null=True, blank=True)
    posted_progress = models.CharField(max_length=20, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    posts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "link"], name="glans_lti_one_target")
        ]

    def __str__(self):
        return f"{self.link_id}: {self.lti_sub}"


class UsedNonce(models.Model):
    """A launch's nonce, kept once it has been used: the same signed launch sent again
    (a replay) is refused. Rows older than a day are deleted by `glans_lti_forget_nonces`."""

    nonce = models.CharField(max_length=255, unique=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.nonce
