"""GLANS inside another platform's page (docs/lti.md). A session that began with an LTI
launch may be shown in a frame of that platform only: `frame-ancestors` names the
registered platform's origins and X-Frame-Options is left off, and its cookies are sent
cross-site (SameSite=None; Secure) over HTTPS. Every other response keeps the site's
X-Frame-Options: DENY and its cookies as they are."""

from urllib.parse import urlsplit

from django.conf import settings

SESSION_FRAME_ORIGINS = "glans_lti_frame_origins"


def origin_of(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins(registration) -> list[str]:
    placement = getattr(registration, "glans_placement", None)
    configured = (placement.frame_origins if placement else "").splitlines()
    origins = [o for o in map(origin_of, configured) if o]
    return origins or [o for o in [origin_of(registration.auth_url)] if o]


def remember_platform(request, registration) -> None:
    request.session[SESSION_FRAME_ORIGINS] = platform_origins(registration)


class LtiFrameMiddleware:
    """After XFrameOptionsMiddleware and the CSP middleware in MIDDLEWARE (so it sees the
    response first). With django-csp (glans_learning.core.csp) the policy's frame-ancestors
    names the platform; without it this middleware writes that one directive itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        origins = session.get(SESSION_FRAME_ORIGINS) if session is not None else None
        if origins:
            # The attribute core.csp's CSPMiddleware reads (allow_framing_by there).
            request.glans_frame_ancestors = ["'self'", *origins]
        response = self.get_response(request)
        origins = origins or (session.get(SESSION_FRAME_ORIGINS) if session is not None else None)
        if not origins:
            return response
        response.xframe_options_exempt = True
        if not hasattr(request, "csp_nonce") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = "frame-ancestors 'self' " + " ".join(origins)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        return response
