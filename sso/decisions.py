"""The linking rules of single sign-on as pure functions over plain facts (no database, no
request): which account a login through a provider may reach, and whether the provider's
second factor counts. services.py gathers the facts and carries out the decision."""

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    LOGIN = "login"  # an account already linked to this identity
    LINK = "link"  # link the identity to the existing account, then log in
    NEW = "new"  # a new account and a membership waiting for the school's director
    REFUSE = "refuse"


class Reason(StrEnum):
    INACTIVE = "inactive"
    NO_ACCESS = "no_access"  # removed at the school: SSO access to it ended
    NO_EMAIL = "no_email"
    FOREIGN_DOMAIN = "foreign_domain"
    UNVERIFIED = "unverified"
    PROTECTED = "protected"  # academy, platform admin, auditor, superuser, staff
    OTHER_SCHOOL = "other_school"
    NOT_MEMBER = "not_member"
    AMBIGUOUS = "ambiguous"
    NO_SCHOOL = "no_school"


@dataclass(frozen=True)
class ProviderFacts:
    domains: frozenset[str]
    unit_ids: frozenset[int]


@dataclass(frozen=True)
class AccountFacts:
    user_id: int
    is_active: bool = True
    protected: bool = False  # superuser, staff or any academy membership
    unit_ids: frozenset[int] = frozenset()  # current memberships
    pending_unit_ids: frozenset[int] = frozenset()  # SSO join requests waiting


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: Reason | None = None
    user_id: int | None = None
    unit_id: int | None = None  # the school of a new account's join request


@dataclass(frozen=True)
class LoginFacts:
    provider: ProviderFacts
    email: str = ""
    email_verified: bool | None = None  # None: the provider said nothing either way
    linked: AccountFacts | None = None  # the account this identity is already linked to
    explicitly_linked: bool = False  # linked by its owner while logged in (connect)
    same_email: tuple[AccountFacts, ...] = field(default_factory=tuple)
    school_hint: int | None = None  # the school the login page was opened for


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def login_decide(facts: LoginFacts) -> Decision:
    """Where a login through a provider may go (docs/sso.md, "Linking accounts"):

    - an identity already linked: its account, while it is active and still belongs to a
      school the provider serves (removing someone there ends their SSO access), or was
      linked by its owner;
    - otherwise the provider must vouch for the address: its domain is one the provider is
      configured for (the domains of the schools it serves) and it did not say the address
      is unverified. Then an existing account with that address is linked only if it
      belongs to a school the provider serves and to no other school, and is no academy,
      admin or auditor account; an unknown address gets a new account whose membership
      waits for the director.
    """
    provider = facts.provider
    if facts.linked is not None:
        account = facts.linked
        if not account.is_active:
            return Decision(Outcome.REFUSE, Reason.INACTIVE)
        served = (account.unit_ids | account.pending_unit_ids) & provider.unit_ids
        if served or facts.explicitly_linked:
            return Decision(Outcome.LOGIN, user_id=account.user_id)
        return Decision(Outcome.REFUSE, Reason.NO_ACCESS)
    email = (facts.email or "").strip()
    domain = email_domain(email)
    if not domain:
        return Decision(Outcome.REFUSE, Reason.NO_EMAIL)
    if domain not in provider.domains:
        return Decision(Outcome.REFUSE, Reason.FOREIGN_DOMAIN)
    if facts.email_verified is False:
        return Decision(Outcome.REFUSE, Reason.UNVERIFIED)
    if len(facts.same_email) > 1:
        return Decision(Outcome.REFUSE, Reason.AMBIGUOUS)
    if facts.same_email:
        account = facts.same_email[0]
        if not account.is_active:
            return Decision(Outcome.REFUSE, Reason.INACTIVE)
        if account.protected:
            return Decision(Outcome.REFUSE, Reason.PROTECTED)
        if account.unit_ids - provider.unit_ids:
            return Decision(Outcome.REFUSE, Reason.OTHER_SCHOOL)
        if (account.unit_ids | account.pending_unit_ids) & provider.unit_ids:
            return Decision(Outcome.LINK, user_id=account.user_id)
        return Decision(Outcome.REFUSE, Reason.NOT_MEMBER)
    if facts.school_hint in provider.unit_ids:
        return Decision(Outcome.NEW, unit_id=facts.school_hint)
    if len(provider.unit_ids) == 1:
        return Decision(Outcome.NEW, unit_id=next(iter(provider.unit_ids)))
    return Decision(Outcome.REFUSE, Reason.NO_SCHOOL)


# What providers say about a second factor. OpenID Connect: `amr` values of RFC 8176 that
# mean more than one factor or a hardware/OTP factor; `acr` values of the REFEDS MFA profile
# and the older PAPE multi-factor policy. SAML: the same REFEDS profile as the
# AuthnContextClassRef (Microsoft's own name for it too).
MFA_AMR = frozenset({"mfa", "otp", "hwk"})
MFA_CONTEXTS = frozenset(
    {
        "https://refeds.org/profile/mfa",
        "http://schemas.microsoft.com/claims/multipleauthn",
        "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
    }
)


def mfa_asserted(*, amr=None, acr=None, authn_contexts=None) -> bool:
    """Whether the provider's answer says the person used a second factor."""
    values = amr if isinstance(amr, (list, tuple)) else ([amr] if amr else [])
    if any(isinstance(v, str) and v.lower() in MFA_AMR for v in values):
        return True
    if isinstance(acr, str) and acr in MFA_CONTEXTS:
        return True
    return any(c in MFA_CONTEXTS for c in authn_contexts or ())


def mfa_accepted(*, site_opt_in: bool, provider_opt_in: bool, asserted: bool) -> bool:
    """The provider's second factor counts only when the site and the provider opt in and
    the provider asserted it for this login."""
    return bool(site_opt_in and provider_opt_in and asserted)
