"""The linking rules of single sign-on (sso/decisions.py), case by case, without a database."""

import pytest

from glans_learning.sso.decisions import (
    AccountFacts,
    LoginFacts,
    Outcome,
    ProviderFacts,
    Reason,
    login_decide,
    mfa_accepted,
    mfa_asserted,
)

SCHOOL, OTHER_SCHOOL, SISTER = 10, 20, 30
PROVIDER = ProviderFacts(domains=frozenset({"zonnebloem.nl"}), unit_ids=frozenset({SCHOOL}))
BOARD_PROVIDER = ProviderFacts(
    domains=frozenset({"bestuur.nl"}), unit_ids=frozenset({SCHOOL, SISTER})
)


def decide(**kwargs):
    kwargs.setdefault("provider", PROVIDER)
    return login_decide(LoginFacts(**kwargs))


def test_an_unknown_address_in_the_schools_domain_gets_a_pending_account():
    assert decide(email="nieuw@zonnebloem.nl", email_verified=True) == (
        login_decide(LoginFacts(provider=PROVIDER, email="nieuw@zonnebloem.nl"))
    )
    decision = decide(email="Nieuw@Zonnebloem.NL")
    assert (decision.outcome, decision.unit_id) == (Outcome.NEW, SCHOOL)


def test_a_foreign_domain_is_refused_even_when_the_provider_says_it_is_verified():
    decision = decide(email="iemand@gmail.com", email_verified=True)
    assert (decision.outcome, decision.reason) == (Outcome.REFUSE, Reason.FOREIGN_DOMAIN)
    # a look-alike domain is foreign too
    assert decide(email="x@evil-zonnebloem.nl").reason == Reason.FOREIGN_DOMAIN
    assert decide(email="x@zonnebloem.nl.evil.com").reason == Reason.FOREIGN_DOMAIN


def test_an_address_the_provider_says_is_unverified_is_refused():
    assert decide(email="a@zonnebloem.nl", email_verified=False).reason == Reason.UNVERIFIED


def test_no_address_is_refused():
    assert decide(email="").reason == Reason.NO_EMAIL
    assert decide(email="geen-apenstaartje").reason == Reason.NO_EMAIL


def test_an_existing_member_of_the_school_is_linked():
    account = AccountFacts(user_id=7, unit_ids=frozenset({SCHOOL}))
    decision = decide(email="juf@zonnebloem.nl", same_email=(account,))
    assert (decision.outcome, decision.user_id) == (Outcome.LINK, 7)


def test_accounts_of_another_school_the_academy_or_nobody_are_never_linked():
    other = AccountFacts(user_id=7, unit_ids=frozenset({OTHER_SCHOOL}))
    both = AccountFacts(user_id=7, unit_ids=frozenset({SCHOOL, OTHER_SCHOOL}))
    academy = AccountFacts(user_id=7, protected=True, unit_ids=frozenset({SCHOOL}))
    nobody = AccountFacts(user_id=7)
    inactive = AccountFacts(user_id=7, is_active=False, unit_ids=frozenset({SCHOOL}))
    for account, reason in (
        (other, Reason.OTHER_SCHOOL),
        (both, Reason.OTHER_SCHOOL),
        (academy, Reason.PROTECTED),
        (nobody, Reason.NOT_MEMBER),
        (inactive, Reason.INACTIVE),
    ):
        decision = decide(email="juf@zonnebloem.nl", email_verified=True, same_email=(account,))
        assert (decision.outcome, decision.reason) == (Outcome.REFUSE, reason)


def test_two_accounts_with_the_address_are_refused():
    a, b = AccountFacts(user_id=1, unit_ids=frozenset({SCHOOL})), AccountFacts(user_id=2)
    assert decide(email="juf@zonnebloem.nl", same_email=(a, b)).reason == Reason.AMBIGUOUS


def test_a_linked_identity_logs_in_while_its_account_belongs_to_a_school_served():
    member = AccountFacts(user_id=7, unit_ids=frozenset({SCHOOL}))
    waiting = AccountFacts(user_id=8, pending_unit_ids=frozenset({SCHOOL}))
    assert decide(linked=member).outcome == Outcome.LOGIN
    assert decide(linked=waiting).outcome == Outcome.LOGIN
    removed = AccountFacts(user_id=7, unit_ids=frozenset({OTHER_SCHOOL}))
    assert decide(linked=removed).reason == Reason.NO_ACCESS
    assert decide(linked=AccountFacts(user_id=7, is_active=False)).reason == Reason.INACTIVE
    owner_linked = AccountFacts(user_id=9, protected=True)
    assert decide(linked=owner_linked, explicitly_linked=True).outcome == Outcome.LOGIN


def test_a_board_provider_needs_to_know_the_school_of_a_newcomer():
    assert (
        decide(provider=BOARD_PROVIDER, email="n@bestuur.nl", school_hint=SISTER).unit_id == SISTER
    )
    assert decide(provider=BOARD_PROVIDER, email="n@bestuur.nl").reason == Reason.NO_SCHOOL
    # a hint for a school the provider does not serve counts for nothing
    assert (
        decide(provider=BOARD_PROVIDER, email="n@bestuur.nl", school_hint=OTHER_SCHOOL).reason
        == Reason.NO_SCHOOL
    )


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["pwd", "otp"]}, True),
        ({"amr": ["hwk"]}, True),
        ({"amr": ["pwd"]}, False),
        ({"amr": "mfa"}, True),
        ({"acr": "https://refeds.org/profile/mfa"}, True),
        ({"acr": "urn:mace:incommon:iap:silver"}, False),
        ({"authn_contexts": ["https://refeds.org/profile/mfa"]}, True),
        (
            {
                "authn_contexts": [
                    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
                ]
            },
            False,
        ),
        ({}, False),
    ],
)
def test_what_counts_as_the_providers_second_factor(claims, expected):
    assert mfa_asserted(**claims) is expected


def test_the_providers_mfa_needs_both_opt_ins_and_the_assertion():
    assert mfa_accepted(site_opt_in=True, provider_opt_in=True, asserted=True)
    for combo in [(False, True, True), (True, False, True), (True, True, False)]:
        assert not mfa_accepted(site_opt_in=combo[0], provider_opt_in=combo[1], asserted=combo[2])
