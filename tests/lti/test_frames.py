"""Framing and cookies: only a session launched from a registered platform may be shown in
that platform's frame, and only its cookies go cross-site (SameSite=None; Secure, over HTTPS)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from lti_tool.models import Key, LtiRegistration

from glans_learning.lti.frames import SESSION_FRAME_ORIGINS, LtiFrameMiddleware, platform_origins
from glans_learning.lti.models import Placement

pytestmark = pytest.mark.django_db


def _response_for(session, secure=False):
    request = RequestFactory().get("/", secure=secure)
    request.session = session

    def view(_request):
        response = HttpResponse("ok")
        response.set_cookie("sessionid", "abc", samesite="Lax")
        return response

    return LtiFrameMiddleware(view)(request)


def test_an_ordinary_session_is_left_alone():
    response = _response_for({})
    assert not getattr(response, "xframe_options_exempt", False)
    assert "Content-Security-Policy" not in response
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_a_launched_session_over_https_gets_cross_site_cookies_and_frame_ancestors():
    response = _response_for({SESSION_FRAME_ORIGINS: ["https://lms.example"]}, secure=True)
    assert response.xframe_options_exempt
    assert response["Content-Security-Policy"] == "frame-ancestors 'self' https://lms.example"
    assert response.cookies["sessionid"]["samesite"] == "None"
    assert response.cookies["sessionid"]["secure"] is True


@override_settings(SESSION_COOKIE_SECURE=False)
def test_over_plain_http_cookies_stay_same_site():
    response = _response_for({SESSION_FRAME_ORIGINS: ["http://lms.example"]}, secure=False)
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_frame_origins_come_from_the_placement_or_the_platforms_login_address(zonnebloem):
    registration = LtiRegistration.objects.create(
        name="LMS",
        issuer="https://lms.example",
        client_id="c",
        auth_url="https://login.lms.example/auth?x=1",
        token_url="https://lms.example/token",
        keyset_url="https://lms.example/jwks",
    )
    assert platform_origins(registration) == ["https://login.lms.example"]
    Placement.objects.create(
        registration=registration,
        unit=zonnebloem,
        frame_origins="https://a.example/course\nnot a url\nhttps://b.example:8443",
    )
    registration.refresh_from_db()
    assert platform_origins(registration) == ["https://a.example", "https://b.example:8443"]


def test_a_new_site_has_a_tool_key_to_register():
    assert Key.objects.active().exists()  # made by the migration
