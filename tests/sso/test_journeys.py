"""Single sign-on journeys in Chromium against real identity providers on loopback
(oidc-provider and pysaml2's IdP, tests/sso/README.md), no mock of either protocol: a new
teacher's first login (pending membership, the director confirms), an existing teacher
linked, a provider vouching for a foreign domain refused, a tampered and a replayed SAML
response refused, the provider's MFA counted only when the site and provider opt in, and
logout with the provider's single logout."""

import base64
import importlib.util
import io
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.management import call_command

from glans_learning.core.navigation import landing_url_for
from glans_learning.organisations.models import Membership
from glans_learning.sso import services
from glans_learning.sso.models import (
    IdentityProvider,
    JoinStatus,
    Protocol,
    ProviderMfaDevice,
    SsoJoinRequest,
)
from tests.browser.waiting import wait_until
from tests.factories import PASSWORD, person
from tests.sso.idp_oidc import start_oidc_idp
from tests.sso.idp_saml import PASSWORD_PROTECTED_TRANSPORT, REFEDS_MFA, start_saml_idp

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]

DOMAIN = "zonnebloem.example"
IDP_PASSWORD = "school-wachtwoord-1"
NEWCOMER = {
    "sub": "t-2001",
    "email": f"nieuw.collega@{DOMAIN}",
    "email_verified": True,
    "name": "Noor Nieuwkomer",
    "password": IDP_PASSWORD,
    "amr": ["pwd"],
}
KNOWN = {
    "sub": "t-1001",
    "email": f"leraar@{DOMAIN}",
    "email_verified": True,
    "name": "Lotte Leraar",
    "password": IDP_PASSWORD,
    "amr": ["pwd"],
}
FOREIGN = {
    "sub": "t-3001",
    "email": "iemand@elders.example",
    "email_verified": True,
    "name": "Iemand Elders",
    "password": IDP_PASSWORD,
    "amr": ["pwd"],
}
AUDITOR_MFA = {
    "sub": "a-9001",
    "email": f"auditor@{DOMAIN}",
    "email_verified": True,
    "name": "Aart Auditor",
    "password": IDP_PASSWORD,
    "amr": ["pwd", "mfa"],
}


def _host(live_server) -> str:
    return re.match(r"https?://([^:/]+)", live_server.url).group(1)


@pytest.fixture(scope="module")
def oidc_idp(live_server):
    base = live_server.url
    with start_oidc_idp(
        redirect_uris=[f"{base}/accounts/oidc/zonnebloem/login/callback/"],
        post_logout_redirect_uris=[f"{base}/accounts/login/"],
        accounts=[NEWCOMER, KNOWN, FOREIGN, AUDITOR_MFA],
        host=_host(live_server),
    ) as idp:
        yield idp


@pytest.fixture(scope="module")
def saml_idp(live_server):
    base = live_server.url
    with start_saml_idp(
        sp_entity_id=f"{base}/accounts/saml/zonnebloem-saml/metadata/",
        sp_acs_url=f"{base}/accounts/saml/zonnebloem-saml/acs/",
        sp_sls_url=f"{base}/accounts/saml/zonnebloem-saml/sls/",
        accounts=[
            {
                "uid": "lotte.leraar",
                "email": KNOWN["email"],
                "name": KNOWN["name"],
                "password": IDP_PASSWORD,
                "authn_context": PASSWORD_PROTECTED_TRANSPORT,
            },
            {
                "uid": "noor.nieuw",
                "email": NEWCOMER["email"],
                "name": NEWCOMER["name"],
                "password": IDP_PASSWORD,
                "authn_context": REFEDS_MFA,
            },
        ],
        host=_host(live_server),
    ) as idp:
        yield idp


@pytest.fixture
def platform_admin(db):
    return person("beheerder", unit=None, roles=["platform_admin"], is_superuser=True)


def oidc_provider(*, by, unit, idp, accept_mfa=False):
    provider = IdentityProvider(
        slug="zonnebloem",
        name="De Zonnebloem",
        protocol=Protocol.OIDC,
        board=unit.board,
        email_domains=DOMAIN,
        server_url=idp.issuer,
        client_id=idp.client_id,
        accept_provider_mfa=accept_mfa,
    )
    return services.provider_save(by=by, provider=provider, units=[unit], secret=idp.client_secret)


def saml_provider(*, by, unit, idp):
    provider = IdentityProvider(
        slug="zonnebloem-saml",
        name="De Zonnebloem (Entree)",
        protocol=Protocol.SAML,
        board=unit.board,
        email_domains=DOMAIN,
        entity_id=idp.entity_id,
        sso_url=idp.sso_url,
        slo_url=idp.slo_url,
        certificate=idp.certificate_pem,
    )
    return services.provider_save(by=by, provider=provider, units=[unit])


def sign_in_at_idp(page, login: str):
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(IDP_PASSWORD)
    page.locator("button[type=submit]").click()


def sso_login(page, base, unit, account_login, button="Inloggen met De Zonnebloem"):
    page.goto(f"{base}/accounts/login/?school={unit.pk}")
    page.get_by_role("link", name=button, exact=True).click()
    sign_in_at_idp(page, account_login)
    page.wait_for_url(lambda url: url.startswith(base) and "/interaction/" not in url)


def password_login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def logged_in_username(page, base) -> str | None:
    response = page.request.get(f"{base}/accounts/profiel/", max_redirects=0)
    if response.status != 200:
        return None
    match = re.search(r'name="email"[^>]*value="([^"]*)"', response.text())
    return match.group(1) if match else ""


def test_first_login_of_a_new_teacher_waits_for_the_director(
    live_server, page, browser, oidc_idp, platform_admin, zonnebloem, director, loaded_fixture
):
    oidc_provider(by=platform_admin, unit=zonnebloem, idp=oidc_idp)
    base = live_server.url
    # On a phone the school's button comes first and nothing scrolls sideways.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{base}/accounts/login/?school={zonnebloem.pk}")
    button = page.get_by_role("link", name="Inloggen met De Zonnebloem", exact=True)
    assert button.bounding_box()["y"] < page.get_by_label("Wachtwoord").bounding_box()["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    sso_login(page, base, zonnebloem, NEWCOMER["sub"])

    user = get_user_model().objects.get(email=NEWCOMER["email"])
    assert (user.first_name, user.last_name) == ("Noor", "Nieuwkomer")
    assert not user.has_usable_password()
    join = SsoJoinRequest.objects.get(user=user)
    assert (join.unit, join.status) == (zonnebloem, JoinStatus.PENDING)
    assert not Membership.objects.filter(user=user).exists()  # no school data yet
    assert logged_in_username(page, base) == NEWCOMER["email"]

    director_page = browser.new_context(locale="nl-NL").new_page()
    password_login(director_page, base, "directeur.zonnebloem")
    director_page.goto(f"{base}/leren/team/{zonnebloem.pk}/wie-mist-er-nog/")
    panel = director_page.get_by_role("region", name="Aangemeld via de school, wacht op jou")
    director_page.set_viewport_size({"width": 375, "height": 812})
    assert director_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    director_page.set_viewport_size({"width": 1280, "height": 800})
    row = panel.get_by_role("row").filter(has_text="Noor Nieuwkomer")
    assert row.count() == 1
    row.get_by_role("button", name="Bevestigen").click()
    director_page.get_by_text("De aanmelding is bevestigd").wait_for()

    join.refresh_from_db()
    assert (join.status, join.decided_by) == (JoinStatus.CONFIRMED, director)
    assert Membership.objects.current().filter(user=user, unit=zonnebloem).exists()
    assert director_page.get_by_role("region", name="Aangemeld via de school").count() == 0


def test_an_existing_teacher_is_linked_and_removal_ends_sso_access(
    live_server, page, oidc_idp, platform_admin, zonnebloem
):
    teacher = person("leraar.zonnebloem", unit=zonnebloem, email=KNOWN["email"])
    oidc_provider(by=platform_admin, unit=zonnebloem, idp=oidc_idp)
    base = live_server.url
    users_before = get_user_model().objects.count()

    sso_login(page, base, zonnebloem, KNOWN["email"])
    assert logged_in_username(page, base) == KNOWN["email"]
    link = SocialAccount.objects.get(provider="zonnebloem", uid=KNOWN["sub"])
    assert link.user == teacher
    assert get_user_model().objects.count() == users_before
    assert not SsoJoinRequest.objects.exists()

    # Removed at the school: the link goes, and the next SSO login is refused.
    page.context.clear_cookies()
    Membership.objects.filter(user=teacher, unit=zonnebloem).delete()
    assert not SocialAccount.objects.filter(user=teacher).exists()
    sso_login(page, base, zonnebloem, KNOWN["email"])
    page.get_by_role("heading", name="Inloggen via de school geweigerd").wait_for()
    assert "hoort niet (meer) bij een school" in page.content()
    assert logged_in_username(page, base) is None
    assert not SocialAccount.objects.filter(user=teacher).exists()


def test_a_provider_vouching_for_a_foreign_domain_is_refused(
    live_server, page, oidc_idp, platform_admin, zonnebloem
):
    oidc_provider(by=platform_admin, unit=zonnebloem, idp=oidc_idp)
    base = live_server.url
    users_before = get_user_model().objects.count()

    sso_login(page, base, zonnebloem, FOREIGN["sub"])
    page.get_by_role("heading", name="Inloggen via de school geweigerd").wait_for()
    assert "buiten de domeinen van de school" in page.content()
    assert logged_in_username(page, base) is None
    assert get_user_model().objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert not SsoJoinRequest.objects.exists()


def _acs(base):
    return f"{base}/accounts/saml/zonnebloem-saml/acs/"


def test_a_tampered_saml_response_is_refused(
    live_server, page, saml_idp, platform_admin, zonnebloem
):
    person("leraar.zonnebloem", unit=zonnebloem, email=KNOWN["email"])
    saml_provider(by=platform_admin, unit=zonnebloem, idp=saml_idp)
    base = live_server.url
    other = person("andere.collega", unit=zonnebloem, email=f"andere@{DOMAIN}")

    def tamper(route):
        form = dict(
            part.split("=", 1) for part in (route.request.post_data or "").split("&") if part
        )
        xml = base64.b64decode(unquote(form["SAMLResponse"])).decode()
        assert KNOWN["email"] in xml
        xml = xml.replace(KNOWN["email"], other.email)  # try to become someone else
        form["SAMLResponse"] = quote(base64.b64encode(xml.encode()).decode(), safe="")
        route.continue_(post_data="&".join(f"{k}={v}" for k, v in form.items()))

    page.route(_acs(base), tamper)
    sso_login(page, base, zonnebloem, "lotte.leraar", button="Inloggen met De Zonnebloem (Entree)")
    page.get_by_role("heading", name="Inloggen via de school lukte niet").wait_for()
    assert "klopte niet" in page.content()
    assert logged_in_username(page, base) is None
    assert not SocialAccount.objects.exists()


def test_a_replayed_saml_response_is_refused(
    live_server, page, saml_idp, platform_admin, zonnebloem
):
    teacher = person("leraar.zonnebloem", unit=zonnebloem, email=KNOWN["email"])
    saml_provider(by=platform_admin, unit=zonnebloem, idp=saml_idp)
    base = live_server.url
    captured = {}

    def keep(route):
        captured["body"] = route.request.post_data
        route.continue_()

    page.route(_acs(base), keep)
    sso_login(page, base, zonnebloem, "lotte.leraar", button="Inloggen met De Zonnebloem (Entree)")
    assert logged_in_username(page, base) == KNOWN["email"]
    assert SocialAccount.objects.get(provider="zonnebloem-saml").user == teacher
    page.unroute(_acs(base))

    # The same response again, in this browser (its request's state is used up) and in a
    # fresh one (no state at all): refused both times, nobody logged in by it.
    page.context.clear_cookies()
    for context in (page.context, page.context.browser.new_context()):
        response = context.request.post(
            _acs(base),
            data=captured["body"],
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status in (400, 403), response.status
        assert logged_in_username(context.new_page(), base) is None


@pytest.mark.parametrize("opted_in", [False, True])
def test_the_providers_mfa_counts_only_when_opted_in(
    live_server, page, oidc_idp, platform_admin, zonnebloem, settings, opted_in
):
    settings.GLANS_SSO_ACCEPT_PROVIDER_MFA = opted_in
    auditor = person("auditor", unit=None, roles=["academy_auditor"], email=AUDITOR_MFA["email"])
    provider = oidc_provider(by=platform_admin, unit=zonnebloem, idp=oidc_idp, accept_mfa=True)
    # The auditor linked their account to the provider themselves, while logged in with their
    # second factor (an automatic link never reaches an auditor's account).
    SocialAccount.objects.create(user=auditor, provider=provider.slug, uid=AUDITOR_MFA["sub"])
    base = live_server.url

    sso_login(page, base, zonnebloem, AUDITOR_MFA["sub"])
    wait_until(page, "document.readyState === 'complete'")
    if opted_in:
        assert "/tweestaps/" not in page.url
        assert ProviderMfaDevice.objects.filter(user=auditor).exists()
    else:
        assert "/accounts/tweestaps/" in page.url  # verify a factor here first
        assert not ProviderMfaDevice.objects.filter(user=auditor).exists()
    assert logged_in_username(page, base) == AUDITOR_MFA["email"]


def test_logout_ends_the_session_and_offers_the_providers_logout(
    live_server, page, oidc_idp, platform_admin, zonnebloem
):
    person("leraar.zonnebloem", unit=zonnebloem, email=KNOWN["email"])
    oidc_provider(by=platform_admin, unit=zonnebloem, idp=oidc_idp)
    base = live_server.url
    sso_login(page, base, zonnebloem, KNOWN["email"])
    assert logged_in_username(page, base) == KNOWN["email"]

    page.goto(f"{base}/accounts/profiel/")
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.get_by_role("heading", name="Je bent uitgelogd").wait_for()
    assert logged_in_username(page, base) is None
    page.get_by_role("link", name="Ook uitloggen bij De Zonnebloem").click()
    page.wait_for_url(lambda url: url.startswith(f"{base}/accounts/login/"))

    # The provider's session ended too: the next login asks for the password again.
    page.goto(f"{base}/accounts/login/?school={zonnebloem.pk}")
    page.get_by_role("link", name="Inloggen met De Zonnebloem", exact=True).click()
    page.locator("input[name=password]").wait_for()


def _demo_idp_constants():
    spec = importlib.util.spec_from_file_location(
        "demo_idp", Path(__file__).resolve().parents[2] / "scripts" / "demo_idp.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_teacher_logs_in_with_de_zonnebloem(live_server, page, settings):
    """`make demo-sso`: the demo's provider, as seed_demo configures it, with the account and
    client that scripts/demo_idp.py gives the loopback IdP (here on a free port)."""
    demo_idp = _demo_idp_constants()
    settings.GLANS_ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=io.StringIO())
    account = demo_idp.DEMO_ACCOUNT
    teacher = get_user_model().objects.get(username="leraar.zonnebloem")
    assert teacher.email == account["email"]
    base = live_server.url
    with start_oidc_idp(
        redirect_uris=[f"{base}/accounts/oidc/{demo_idp.DEMO_SLUG}/login/callback/"],
        accounts=[
            {
                "sub": account["login"],
                "email": account["email"],
                "email_verified": True,
                "name": account["name"],
                "password": account["password"],
                "amr": ["pwd"],
            }
        ],
        client_id=demo_idp.DEMO_CLIENT_ID,
        client_secret=demo_idp.DEMO_CLIENT_SECRET,
        host=_host(live_server),
    ) as idp:
        provider = IdentityProvider.objects.get(slug=demo_idp.DEMO_SLUG)
        assert provider.server_url == "http://127.0.0.1:8010"  # the demo's default SSO_PORT
        provider.server_url = idp.issuer  # this test's free port
        provider.save(update_fields=["server_url"])

        page.goto(f"{base}/accounts/login/")
        page.get_by_role("link", name="Inloggen met De Zonnebloem", exact=True).click()
        page.locator("input[name=login]").fill(account["login"])
        page.locator("input[name=password]").fill(account["password"])
        page.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: url.startswith(base) and "/interaction/" not in url)
        # Like after the password login: the teacher's own start page (Mijn leerroute).
        assert page.url == base + landing_url_for(teacher)
        assert logged_in_username(page, base) == account["email"]
        assert SocialAccount.objects.get(provider="zonnebloem").user == teacher


def test_saml_logout_offers_the_providers_single_logout(
    live_server, page, saml_idp, platform_admin, zonnebloem
):
    person("leraar.zonnebloem", unit=zonnebloem, email=KNOWN["email"])
    saml_provider(by=platform_admin, unit=zonnebloem, idp=saml_idp)
    base = live_server.url
    button = "Inloggen met De Zonnebloem (Entree)"
    sso_login(page, base, zonnebloem, "lotte.leraar", button=button)
    assert logged_in_username(page, base) == KNOWN["email"]

    page.goto(f"{base}/accounts/profiel/")
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.get_by_role("heading", name="Je bent uitgelogd").wait_for()
    page.get_by_role("link", name="Ook uitloggen bij De Zonnebloem (Entree)").click()
    page.wait_for_url(lambda url: url.startswith(f"{base}/accounts/login/"))
    assert logged_in_username(page, base) is None

    # The IdP's session ended too: the next login asks for the password again.
    page.goto(f"{base}/accounts/login/?school={zonnebloem.pk}")
    page.get_by_role("link", name=button, exact=True).click()
    page.locator("input[name=password]").wait_for()
