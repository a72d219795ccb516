"""One error shape for the whole API, its handlers, and its place in the OpenAPI document.

Every error is ``{"detail": "<translated sentence>", "errors": [{"loc": [...], "msg": "...",
"type": "..."}]}`` (``errors`` only for invalid input). Bad input never reaches a handler as
something the database cannot store: NUL bytes and lone surrogates become U+FFFD in the parser.
"""

import json
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from .middleware import unavailable_message
from .text import storable

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg", "type"],
            },
        },
    },
    "required": ["detail"],
}


class ErrorOut(Schema):
    """For routers that declare error responses; the document shows them as `Error`."""

    detail: str
    errors: list[dict] | None = None


class Conflict(HttpError):
    """A well-formed request that the current state refuses (not enrolled, a completion
    rule not met, no attempts left): 409, with the reasons as `errors`."""

    def __init__(self, errors: list[dict], message: str = ""):
        super().__init__(409, str(message or _("Dit kan nu niet.")))
        self.errors = [{**error, "msg": str(error["msg"])} for error in errors]


@contextmanager
def refusals_as_conflict():
    """Turn a service's ValidationError (a rule of the domain, not malformed input) into 409."""
    try:
        yield
    except DjangoValidationError as exc:
        errors = _django_errors(exc)
        raise Conflict(errors, errors[0]["msg"] if errors else "") from None


class InvalidInput(HttpError):
    def __init__(self, message: str):
        super().__init__(422, message)


_storable = storable  # the one cleaning (core.text), shared with the form middleware


class GlansParser(Parser):
    """JSON bodies and query strings, made storable (see `_storable`) before validation."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput(_("De inhoud van het verzoek is geen geldige JSON.")) from None
        return _storable(data)

    def parse_querydict(self, data, list_fields, request):
        return _storable(super().parse_querydict(data, list_fields, request))


def _error(api, request, status, detail, errors=None):
    body = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def _django_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"loc": [field], "msg": message, "type": "invalid"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"loc": [], "msg": message, "type": "invalid"} for message in exc.messages]


def _ninja_errors(exc: NinjaValidationError) -> list[dict]:
    return [
        {
            "loc": list(error.get("loc", [])),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "invalid")),
        }
        for error in exc.errors
    ]


def install_error_handlers(api) -> None:
    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _error(api, request, 404, _("Niet gevonden."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return _error(api, request, 403, _("Je hebt geen toegang tot deze gegevens."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return _error(api, request, 401, _("Log in of gebruik een geldige API-sleutel."))

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        return _error(api, request, 422, _("De invoer is ongeldig."), _ninja_errors(exc))

    @api.exception_handler(DjangoValidationError)
    def invalid_model(request, exc):
        return _error(api, request, 422, _("De invoer is ongeldig."), _django_errors(exc))

    @api.exception_handler(InvalidInput)
    def invalid_input(request, exc):
        return _error(
            api, request, 422, str(exc), [{"loc": ["body"], "msg": str(exc), "type": "invalid"}]
        )

    @api.exception_handler(Conflict)
    def conflict(request, exc):
        return _error(api, request, 409, str(exc), exc.errors)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return _error(api, request, exc.status_code, str(exc))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_away(request, exc):
        response = _error(api, request, 503, unavailable_message("database"), [])
        response["Retry-After"] = "30"
        return response

    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(UnreadablePostError)
    def bad_request(request, exc):
        return _error(api, request, 400, _("Het verzoek kon niet worden gelezen."))


def _keyed(security_entry: dict) -> bool:
    return any(name in ("TokenAuth", "TokenHeaderAuth") for name in security_entry)


class GlansAPI(NinjaAPI):
    """The plugin's API: every operation's OpenAPI entry lists the errors it can return."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        descriptions = {
            "400": _("Het verzoek kon niet worden gelezen."),
            "401": _("Niet ingelogd."),
            "403": _("Geen toegang."),
            "404": _("Niet gevonden."),
            "409": _("Kan nu niet: de reden staat in errors."),
            "422": _("Ongeldige invoer."),
            "429": _("Te veel ongeldige API-sleutels vanaf dit adres; probeer het later opnieuw."),
        }
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                statuses = {"404", "422"}
                if operation.get("security"):
                    statuses |= {"401", "403"}
                    if any(_keyed(entry) for entry in operation["security"]):
                        statuses.add("429")  # the API-key limiter (core/api_auth.py)
                if "requestBody" in operation or operation.get("parameters"):
                    statuses.add("400")
                if method in {"post", "put", "patch", "delete"}:
                    statuses.add("409")
                responses = operation.setdefault("responses", {})
                for status in sorted(statuses):
                    responses.setdefault(int(status), {"description": descriptions[status]})
                for status, response in responses.items():
                    if str(status).startswith("4"):
                        response.update(ref)  # one error shape, whatever a router declared
        return schema
