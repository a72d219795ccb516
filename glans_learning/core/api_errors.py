"""Translated JSON error handlers for the plugin's API."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ErrorOut(Schema):
    """The API's one error shape; `errors` (field → messages) only on 422."""

    detail: str
    errors: dict | list | None = None


def install_error_handlers(api) -> None:
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
            request, {"detail": _("De invoer is ongeldig."), "errors": exc.errors}, status=422
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
