"""Single sign-on without a provider: admin saves through the service (secret encrypted and
never shown), login page buttons per school, password login switched off, the director's
decision on pending memberships, removal ending SSO access, the provider's MFA marker not
counting as an enrolled factor."""

import socket

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from glans_learning.core import services as core_services
from glans_learning.organisations.models import Membership
from glans_learning.sso import secret_store, services
from glans_learning.sso.models import (
    IdentityProvider,
    JoinStatus,
    Protocol,
    ProviderMfaDevice,
    SchoolLoginSettings,
    SsoJoinRequest,
)
from glans_learning.sso.providers import social_app
from tests.factories import PASSWORD, person

DOMAIN = "zonnebloem.example"


@pytest.fixture
def platform_admin(db):
    return person("beheerder", unit=None, roles=["platform_admin"], is_superuser=True)


@pytest.fixture
def provider(platform_admin, zonnebloem):
    row = IdentityProvider(
        slug="zonnebloem",
        name="De Zonnebloem",
        protocol=Protocol.OIDC,
        board=zonnebloem.board,
        email_domains=f"{DOMAIN}\n@Zonnebloem.example",
        server_url=f"http://127.0.0.1:{_closed_port()}/",
        client_id="glans",
    )
    return services.provider_save(by=platform_admin, provider=row, units=[zonnebloem], secret="s3")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def csrf_client(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_the_secret_is_stored_encrypted_and_the_environment_wins(provider, monkeypatch):
    assert provider.secret_encrypted and "s3" not in provider.secret_encrypted
    assert secret_store.client_secret(provider) == "s3"
    assert social_app(provider).secret == "s3"
    provider.secret_env = "GLANS_TEST_SSO_SECRET"
    monkeypatch.setenv("GLANS_TEST_SSO_SECRET", "from-env")
    assert secret_store.client_secret(provider) == "from-env"
    assert provider.domains == [DOMAIN]


def test_only_platform_admins_save_providers_and_bad_input_changes_nothing(
    provider, director, zonnebloem, regenboog, platform_admin
):
    provider.name = "Anders"
    with pytest.raises(PermissionDenied):
        services.provider_save(by=director, provider=provider, units=[zonnebloem])
    other_board = IdentityProvider(
        slug="x", name="X", protocol=Protocol.SAML, board=zonnebloem.board, email_domains=""
    )
    with pytest.raises(ValidationError) as exc:
        services.provider_save(by=platform_admin, provider=other_board, units=[])
    assert {"metadata_url", "email_domains", "units"} <= set(exc.value.message_dict)
    assert not IdentityProvider.objects.filter(slug="x").exists()
    provider.refresh_from_db()
    assert provider.name == "De Zonnebloem"


def test_the_admin_form_never_shows_the_secret(provider, platform_admin, verified_login):
    client = verified_login(Client(), platform_admin)
    page = client.get(f"/admin/glans_sso_providers/edit/{provider.pk}/").content.decode()
    assert "Er is een secret opgeslagen" in page
    assert provider.secret_encrypted not in page and 'value="s3"' not in page


def test_the_login_page_shows_the_schools_provider_first(provider, zonnebloem, regenboog):
    client = Client()
    page = client.get(f"/accounts/login/?school={zonnebloem.pk}").content.decode()
    assert "Inloggen met De Zonnebloem" in page
    assert page.index("Inloggen met De Zonnebloem") < page.index('name="password"')
    assert "/accounts/oidc/zonnebloem/login/" in page
    # another school without a provider: the password form only
    page = Client().get(f"/accounts/login/?school={regenboog.pk}").content.decode()
    assert "Inloggen met" not in page and 'name="password"' in page


def test_a_school_that_switched_password_login_off(provider, zonnebloem, teacher, other_teacher):
    SchoolLoginSettings.objects.create(unit=zonnebloem, password_login=False)
    page = Client().get(f"/accounts/login/?school={zonnebloem.pk}").content.decode()
    assert "Inloggen met De Zonnebloem" in page and 'name="password"' not in page
    client = csrf_client()
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {
            "username": teacher.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 200
    assert "laat inloggen met een wachtwoord niet toe" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # a teacher of another school still logs in with a password
    other = csrf_client()
    other.get("/accounts/login/")
    response = other.post(
        "/accounts/login/",
        {
            "username": other_teacher.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": other.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302


def _pending(provider, zonnebloem):
    user = services.account_create_pending(
        provider=provider, unit_id=zonnebloem.pk, email=f"nieuw@{DOMAIN}", first_name="Noor"
    )
    return SsoJoinRequest.objects.get(user=user)


def test_only_the_schools_director_decides(provider, zonnebloem, director, other_director):
    join = _pending(provider, zonnebloem)
    url = f"/accounts/aanmeldingen/{zonnebloem.pk}/"
    outsider = csrf_client(other_director)
    outsider.get("/accounts/profiel/")
    response = outsider.post(
        url,
        {
            "request": join.pk,
            "decision": "confirm",
            "csrfmiddlewaretoken": outsider.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 404
    join.refresh_from_db()
    assert join.status == JoinStatus.PENDING
    with pytest.raises(PermissionDenied):
        services.join_request_decide(
            by=other_director, request_id=join.pk, unit=zonnebloem, confirm=True
        )

    client = csrf_client(director)
    client.get("/accounts/profiel/")
    response = client.post(
        url,
        {
            "request": join.pk,
            "decision": "refuse",
            "next": "//evil.example/",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    join.refresh_from_db()
    assert (join.status, join.decided_by) == (JoinStatus.REFUSED, director)
    assert not Membership.objects.filter(user=join.user).exists()


def test_the_team_page_lists_pending_people_for_the_director_only(
    provider, zonnebloem, director, tdt_teacher, loaded_fixture
):
    _pending(provider, zonnebloem)
    url = f"/leren/team/{zonnebloem.pk}/wie-mist-er-nog/"
    page = csrf_client(director).get(url).content.decode()
    assert "Aangemeld via de school, wacht op jou" in page and f"nieuw@{DOMAIN}" in page
    page = csrf_client(tdt_teacher).get(url).content.decode()  # leads the team, not the school
    assert f"nieuw@{DOMAIN}" not in page


def test_removal_at_the_school_ends_links_and_pending_requests(provider, zonnebloem, teacher):
    SocialAccount.objects.create(user=teacher, provider="zonnebloem", uid="t-1")
    Membership.objects.filter(user=teacher, unit=zonnebloem).update(is_active=True)
    membership = Membership.objects.get(user=teacher, unit=zonnebloem)
    membership.is_active = False
    membership.save()
    assert not SocialAccount.objects.filter(user=teacher).exists()

    join = _pending(provider, zonnebloem)
    person_ = join.user
    Membership.objects.create(user=person_, unit=zonnebloem)
    Membership.objects.filter(user=person_, unit=zonnebloem).delete()
    join.refresh_from_db()
    assert join.status == JoinStatus.ENDED


def test_the_providers_mfa_marker_is_no_enrolled_factor(teacher):
    ProviderMfaDevice.objects.create(user=teacher, name="provider", confirmed=True)
    assert not core_services.two_factor_has_device(user=teacher)
    assert not ProviderMfaDevice(user=teacher).verify_token("123456")


def test_a_new_account_has_no_password_and_no_membership(provider, zonnebloem):
    join = _pending(provider, zonnebloem)
    user = get_user_model().objects.get(pk=join.user_id)
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()


def _saml_row(platform_admin, zonnebloem, certificate):
    row = IdentityProvider(
        slug="entree",
        name="Entree Federatie",
        protocol=Protocol.SAML,
        board=zonnebloem.board,
        email_domains=DOMAIN,
        entity_id="https://idp.example/entity",
        sso_url="https://idp.example/sso",
        certificate=certificate,
    )
    return services.provider_save(by=platform_admin, provider=row, units=[zonnebloem])


def test_saml_metadata_without_and_with_the_sites_own_signing_key(
    platform_admin, zonnebloem, settings, tmp_path
):
    from tests.sso.idp_saml import make_key_and_certificate

    key, certificate = make_key_and_certificate("idp")
    _saml_row(platform_admin, zonnebloem, certificate.decode())
    response = Client(SERVER_NAME="localhost").get("/accounts/saml/entree/metadata/")
    assert response.status_code == 200
    assert b'AuthnRequestsSigned="false"' in response.content
    assert b'WantAssertionsSigned="true"' in response.content

    sp_key, sp_certificate = make_key_and_certificate("glans-sp")
    (tmp_path / "key.pem").write_bytes(sp_key)
    (tmp_path / "cert.pem").write_bytes(sp_certificate)
    settings.GLANS_SSO_SAML_SP_KEY_FILE = str(tmp_path / "key.pem")
    settings.GLANS_SSO_SAML_SP_CERT_FILE = str(tmp_path / "cert.pem")
    response = Client(SERVER_NAME="localhost").get("/accounts/saml/entree/metadata/")
    assert b'AuthnRequestsSigned="true"' in response.content
    body = b"".join(sp_certificate.split(b"\n")[1:-2])
    assert body[:40] in response.content.replace(b"\n", b"")


def test_an_unreachable_provider_gives_a_dutch_page(provider, zonnebloem):
    # server_url points at a closed loopback port: discovery fails.
    response = Client().get("/accounts/oidc/zonnebloem/login/")
    assert response.status_code == 503
    assert "nu niet bereikbaar" in response.content.decode()


def test_the_profile_offers_linking_to_the_schools_provider(provider, teacher, other_teacher):
    page = csrf_client(teacher).get("/accounts/profiel/").content.decode()
    assert "Koppelen met De Zonnebloem" in page
    assert "/accounts/oidc/zonnebloem/login/?process=connect" in page
    SocialAccount.objects.create(user=teacher, provider="zonnebloem", uid="t-1")
    page = csrf_client(teacher).get("/accounts/profiel/").content.decode()
    assert "Koppelen met" not in page and "Je account is gekoppeld aan" in page
    page = csrf_client(other_teacher).get("/accounts/profiel/").content.decode()
    assert "De Zonnebloem" not in page  # not a provider of their school


@pytest.mark.parametrize("who", ["anonymous", "unverified_auditor"])
def test_linking_ones_own_account_needs_its_login_and_second_factor(provider, auditor, who):
    from allauth.core.exceptions import ImmediateHttpResponse
    from allauth.socialaccount.models import SocialLogin
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from glans_learning.sso.adapter import GlansSocialAccountAdapter

    request = RequestFactory().get("/")
    request.session = {}
    if who == "anonymous":
        request.user = AnonymousUser()
    else:
        auditor.is_verified = lambda: False
        request.user = auditor
    account = SocialAccount(provider="zonnebloem", uid="x-1", extra_data={})
    login = SocialLogin(
        account=account,
        user=get_user_model()(email=f"x@{DOMAIN}"),
        provider=social_app(provider).get_provider(request),
    )
    login.state = {"process": "connect"}
    adapter = GlansSocialAccountAdapter(request)
    with pytest.raises(ImmediateHttpResponse) as exc:
        adapter.pre_social_login(request, login)
    assert exc.value.response.status_code == 403
    assert "alleen aan De Zonnebloem koppelen" in exc.value.response.content.decode()
    assert not SocialAccount.objects.exists()
