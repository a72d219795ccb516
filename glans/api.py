"""The plugin's JSON API (`/api/v1/`), assembled from each app's router."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from courses.api import router as courses_router
from organisations.api import router as organisations_router
from organisations.api_auth import API_AUTH

api = NinjaAPI(
    title="GLANS API",
    version="1",
    description="API van het GLANS-leerplatform. Inloggen met de sessie van de site (met CSRF) "
    "of met een persoonlijke API-sleutel (`Authorization: Bearer …`).",
    auth=API_AUTH,
    urls_namespace="glans_api",
    docs_url="/docs",
)

api.add_router("/", organisations_router)
api.add_router("/", courses_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Niet gevonden.")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(
        request, {"detail": _("Je hebt geen toegang tot deze gegevens.")}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": _("Log in of gebruik een geldige API-sleutel.")}, status=401
    )


@api.exception_handler(NinjaValidationError)
def invalid(request, exc):
    return api.create_response(
        request,
        {"detail": _("De invoer is ongeldig."), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(DjangoValidationError)
def invalid_model(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": _("De invoer is ongeldig."), "errors": errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
