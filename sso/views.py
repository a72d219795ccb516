"""Views of single sign-on: the protocol views' guard against an unreachable provider, the
director's confirm/refuse of a pending membership ("Wie mist er nog?"), and the allauth
pages GLANS does not use (its signup form, its connections page)."""

import functools
import logging

import requests
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from onelogin.saml2.errors import OneLogin_Saml2_Error

from glans_learning.organisations.utils import parse_id

from . import permissions, services
from .messages import trouble_message

logger = logging.getLogger("glans_learning.sso")


def provider_trouble_as_page(view):
    """A provider that does not answer (its discovery document, token endpoint or metadata
    unreachable) or answers nonsense: a Dutch page saying so, 503, nothing changed."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (requests.RequestException, OneLogin_Saml2_Error, ValueError, KeyError) as exc:
            logger.warning("sso provider trouble: %s", type(exc).__name__)
            return render(
                request,
                "glans_sso/login_problem.html",
                {"message": trouble_message(exception=exc)},
                status=503 if isinstance(exc, requests.RequestException) else 400,
            )

    return wrapped


def login_cancelled(request):
    """allauth's "login cancelled" address (its own view needs allauth's account URLs)."""
    return render(request, "socialaccount/login_cancelled.html")


def login_error(request):
    """allauth's "login error" address: the same Dutch page as any failed provider login."""
    return render(request, "glans_sso/login_problem.html", {"message": trouble_message()})


def no_signup(request):
    """allauth's signup form is not used: accounts are made by the linking rules."""
    raise Http404


@login_required
def connections(request):
    return redirect("glans_accounts:profile")


@login_required
@require_POST
def join_request_decide(request, unit_id):
    unit = permissions.decidable_units(request.user).filter(pk=parse_id(unit_id)).first()
    if unit is None:
        raise Http404
    confirm = request.POST.get("decision") == "confirm"
    wanted = request.POST.get("request", "")
    try:
        if not wanted.isdigit() or len(wanted) > 15:
            raise ValidationError(_("Deze aanmelding is al afgehandeld of bestaat niet."))
        services.join_request_decide(
            by=request.user, request_id=int(wanted), unit=unit, confirm=confirm
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(
            request,
            _("De aanmelding is bevestigd: het teamlid hoort nu bij de school.")
            if confirm
            else _("De aanmelding is geweigerd."),
        )
    back = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/"):
        return redirect(back)
    return redirect("glans_accounts:landing")
