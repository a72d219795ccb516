"""What a person reads when a login through their school's provider does not go through:
refusals of the linking rules, and trouble with the provider itself (down, cancelled, an
answer that did not check out). Dutch first; English in the catalogue."""

import requests
from django.utils.translation import gettext as _


def refusal_message(reason: str, provider=None) -> str:
    name = provider.name if provider is not None else _("de inlogaanbieder")
    messages = {
        "inactive": _("Dit account is uitgeschakeld. Neem contact op met je school."),
        "no_access": _(
            "Je hebt via %(name)s geen toegang (meer) tot een school op GLANS. Is je "
            "lidmaatschap beëindigd? Vraag je directeur om een nieuwe uitnodiging."
        ),
        "no_email": _(
            "%(name)s gaf geen e-mailadres door. Zonder e-mailadres kunnen we je niet "
            "aan een school koppelen."
        ),
        "foreign_domain": _(
            "%(name)s meldde een e-mailadres buiten de domeinen van de school. Alleen "
            "adressen van de school zelf worden via deze aanbieder aanvaard; log in met "
            "je schoolaccount of met je wachtwoord."
        ),
        "unverified": _(
            "%(name)s heeft je e-mailadres niet bevestigd. Log in met je wachtwoord of "
            "vraag je school om het adres te laten bevestigen."
        ),
        "protected": _(
            "Dit account kan niet via %(name)s inloggen. Log in met je wachtwoord en je "
            "tweede stap."
        ),
        "other_school": _(
            "Er bestaat al een account met dit e-mailadres bij een andere school. Log in "
            "met je wachtwoord; een school kan je daarna uitnodigen."
        ),
        "not_member": _(
            "Er bestaat al een account met dit e-mailadres, maar het hoort niet (meer) bij "
            "een school van %(name)s. Log in met je wachtwoord en vraag je directeur om een "
            "uitnodiging."
        ),
        "ambiguous": _(
            "Er zijn meerdere accounts met dit e-mailadres. Log in met je wachtwoord of "
            "neem contact op met je school."
        ),
        "connect_needs_login": _(
            "Je kunt je account alleen aan %(name)s koppelen als je ingelogd bent, met je "
            "tweede stap als je rol die vraagt."
        ),
        "no_school": _(
            "%(name)s werkt voor meerdere scholen. Open de inloglink van je eigen school "
            "(bijvoorbeeld uit je uitnodiging) en probeer het opnieuw."
        ),
    }
    return messages.get(reason, messages["no_access"]) % {"name": name}


def trouble_message(*, error=None, exception=None) -> str:
    if error == "cancelled":
        return _("Je hebt het inloggen bij de aanbieder afgebroken. Er is niets veranderd.")
    if isinstance(exception, requests.RequestException):
        return _(
            "De inlogaanbieder van je school is nu niet bereikbaar. Probeer het later "
            "opnieuw, of log in met je wachtwoord als je school dat toestaat."
        )
    return _(
        "Het antwoord van de inlogaanbieder klopte niet (ongeldig, verlopen of al "
        "gebruikt). Je bent niet ingelogd. Probeer het opnieuw vanaf de inlogpagina."
    )
