"""Identity providers (a school's or board's Entra ID, Google Workspace, Entree Federatie),
per-school login settings, memberships waiting for the director after a first SSO login, and
the marker a session carries when the provider asserted a second factor."""

from allauth.socialaccount import providers as allauth_providers
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from glans_learning.organisations.models import Board, OrganisationUnit


class Protocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect (Entra ID, Google Workspace, …)")
    SAML = "saml", _("SAML 2.0 (Entree Federatie, ADFS, …)")


class IdentityProvider(models.Model):
    """A school's or board's identity provider. allauth's SocialApp for it is built from this
    row at request time (adapter.py); the client secret is read from the environment
    variable named here, or stored encrypted (secret_store.py), and never shown again."""

    slug = models.SlugField(
        _("korte naam in adressen"),
        max_length=50,
        unique=True,
        help_text=_("Bijvoorbeeld 'zonnebloem'; komt in de inlog- en terugkeeradressen."),
    )
    name = models.CharField(
        _("naam op de knop"),
        max_length=120,
        help_text=_("De knop heet 'Inloggen met <naam>'."),
    )
    protocol = models.CharField(_("protocol"), max_length=8, choices=Protocol.choices)
    board = models.ForeignKey(
        Board,
        verbose_name=_("bestuur"),
        on_delete=models.PROTECT,
        related_name="glans_identity_providers",
    )
    units = models.ManyToManyField(
        OrganisationUnit,
        verbose_name=_("scholen"),
        related_name="glans_identity_providers",
        help_text=_("De scholen van dit bestuur waarvoor deze aanbieder inloggen mag."),
    )
    email_domains = models.TextField(
        _("e-maildomeinen"),
        help_text=_(
            "Eén per regel, bijvoorbeeld 'zonnebloem.nl'. Alleen adressen in deze domeinen "
            "worden via deze aanbieder aan een account gekoppeld."
        ),
    )
    is_active = models.BooleanField(_("actief"), default=True)
    accept_provider_mfa = models.BooleanField(
        _("tweestapsverificatie van de aanbieder accepteren"),
        default=False,
        help_text=_(
            "Alleen als ook de site dat toestaat (GLANS_SSO_ACCEPT_PROVIDER_MFA) en de "
            "aanbieder bij het inloggen meldt dat er een tweede stap was."
        ),
    )
    # OpenID Connect
    server_url = models.URLField(
        _("issuer (OpenID Connect)"),
        blank=True,
        help_text=_("Bijvoorbeeld https://login.microsoftonline.com/<tenant>/v2.0"),
    )
    client_id = models.CharField(_("client-ID (OpenID Connect)"), max_length=255, blank=True)
    secret_env = models.CharField(
        _("omgevingsvariabele met het client-secret"),
        max_length=100,
        blank=True,
        help_text=_(
            "Bijvoorbeeld GLANS_SSO_ZONNEBLOEM_SECRET. Heeft voorrang op een opgeslagen secret."
        ),
    )
    secret_encrypted = models.TextField(_("versleuteld client-secret"), blank=True, editable=False)
    # SAML 2.0
    metadata_url = models.URLField(_("metadata-adres (SAML)"), blank=True)
    entity_id = models.CharField(_("entity ID van de aanbieder (SAML)"), max_length=255, blank=True)
    sso_url = models.URLField(_("inlogadres (SAML)"), blank=True)
    slo_url = models.URLField(_("uitlogadres (SAML)"), blank=True)
    certificate = models.TextField(_("certificaat van de aanbieder (SAML, PEM)"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("inlogaanbieder")
        verbose_name_plural = _("inlogaanbieders")

    def __str__(self):
        return self.name

    @property
    def allauth_provider(self) -> str:
        return "openid_connect" if self.protocol == Protocol.OIDC else "saml"

    @property
    def domains(self) -> list[str]:
        parts = self.email_domains.replace(",", "\n").split()
        return sorted({p.strip().lower().lstrip("@") for p in parts if p.strip()})


class SchoolLoginSettings(models.Model):
    """How people of one school log in. Password login stays possible (so teachers keep
    working when the provider is down) unless the school switches it off."""

    unit = models.OneToOneField(
        OrganisationUnit,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="glans_login_settings",
    )
    password_login = models.BooleanField(
        _("inloggen met wachtwoord toestaan"),
        default=True,
        help_text=_(
            "Uit: teamleden van deze school loggen alleen nog in via de inlogaanbieder. "
            "Laat dit aan als je wilt dat ze blijven werken wanneer de aanbieder storing heeft."
        ),
    )

    class Meta:
        verbose_name = _("inloginstelling van een school")
        verbose_name_plural = _("inloginstellingen van scholen")

    def __str__(self):
        return str(self.unit)


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("wacht op de directeur")
    CONFIRMED = "confirmed", _("bevestigd")
    REFUSED = "refused", _("geweigerd")
    ENDED = "ended", _("beëindigd")


class SsoJoinRequest(models.Model):
    """Somebody unknown signed in through their school's provider: they got an account, and
    this request waits until the school's director confirms (a membership) or refuses."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persoon"),
        on_delete=models.CASCADE,
        related_name="glans_sso_join_requests",
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="glans_sso_join_requests",
    )
    provider = models.ForeignKey(
        IdentityProvider,
        verbose_name=_("inlogaanbieder"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="join_requests",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besloten door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("aanmelding via de school")
        verbose_name_plural = _("aanmeldingen via de school")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=models.Q(status="pending"),
                name="glans_sso_one_pending_request",
            )
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_status_display()})"


class ProviderMfaDevice(Device):
    """Not a factor anyone enrols: the marker of a login in which the identity provider
    asserted a second factor and the site and provider accept it (services.mfa_accepted).
    django-otp then counts the session as verified; it verifies no token itself."""

    #: core.services.two_factor_has_device does not count it as an enrolled factor.
    glans_enrolled_factor = False

    class Meta:
        verbose_name = _("tweede stap bij de inlogaanbieder")
        verbose_name_plural = _("tweede stappen bij inlogaanbieders")

    def verify_token(self, token):
        return False

    def is_interactive(self):
        return False


#: Keys the SAML provider adds to the account's extra data for this login only (popped
#: before the account is saved: adapter.py).
LOGIN_KEY = "_glans_login"


class GlansSAMLProvider(SAMLProvider):
    """allauth's SAML provider, plus what python3-saml read from the (verified) response
    about the authentication: its AuthnContextClassRef values, the NameID and the session
    index (for single logout)."""

    def extract_extra_data(self, data):
        extra = dict(super().extract_extra_data(data))
        extra[LOGIN_KEY] = {
            "authn_contexts": list(data.get_last_authn_contexts() or []),
            "name_id": data.get_nameid(),
            "name_id_format": data.get_nameid_format(),
            "session_index": data.get_session_index(),
        }
        return extra


class GlansSocialApp(SocialApp):
    """An unsaved SocialApp for one IdentityProvider."""

    class Meta:
        proxy = True
        app_label = "glans_sso"

    def get_provider(self, request):
        if self.provider == SAMLProvider.id:
            return GlansSAMLProvider(request=request, app=self)
        return allauth_providers.registry.get_class(self.provider)(request=request, app=self)
