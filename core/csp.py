"""The Content-Security-Policy (django-csp, configured in the host's settings): the
plugin's one addition is per response. An exercise whose JavaScript compiles templates at
run time (xblock-poll's Handlebars, `new Function`) asks for 'unsafe-eval' on the page it
is rendered on (`allow_eval(request)`), and only there; every other page runs without it.
See docs/security.md."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_EVAL, UNSAFE_INLINE
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.urls import NoReverseMatch, reverse


def _in_admin(request) -> bool:
    try:
        prefix = reverse("wagtailadmin_home")
    except NoReverseMatch:
        return False
    return request.path.startswith(prefix)


def allow_eval(request) -> None:
    if request is not None:
        request.glans_csp_eval = True


def nonce(request) -> str:
    """The request's nonce for an inline script, or "" without django-csp."""
    value = getattr(request, "csp_nonce", None) if request is not None else None
    # django-csp's lazy nonce is falsy until first read: compare with None, then read it.
    return "" if value is None else str(value)


def allow_framing_by(request, origins) -> None:
    """This response may be shown in frames of `origins` (besides the site itself): an LTI
    platform showing a session launched from it (glans_learning.lti.frames)."""
    if request is not None:
        request.glans_frame_ancestors = [SELF, *origins]


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        ancestors = getattr(request, "glans_frame_ancestors", None)
        if ancestors:
            parts.replace = {**(parts.replace or {}), "frame-ancestors": list(ancestors)}
        targets = getattr(request, "glans_form_action", None)
        if targets:  # a form that posts to another site (an LTI deep-linking return)
            parts.update = {**(parts.update or {}), "form-action": list(targets)}
        if _in_admin(request):
            # The Wagtail admin's own templates carry inline scripts without a nonce
            # (InlinePanel, the date and time widgets): scripts from this site and inline
            # ones, no eval. The admin is behind login (and two factors for power).
            parts.replace = {**(parts.replace or {}), "script-src": [SELF, UNSAFE_INLINE]}
            parts.nonce = None
            return parts
        if getattr(request, "glans_csp_eval", False):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), UNSAFE_EVAL]
            parts.update = update
        return parts
