"""Enrol a team from a CSV or XLSX staff list: every line is validated first; one wrong line
and nothing is imported. Errors name the line and the field."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from glans_learning.organisations import permissions
from glans_learning.organisations.services import member_add_by_email

from . import services

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
COLUMNS = {
    "email": "email",
    "e-mail": "email",
    "e-mailadres": "email",
    "voornaam": "first_name",
    "first_name": "first_name",
    "achternaam": "last_name",
    "last_name": "last_name",
}


@dataclass
class ImportProblem:
    line: int
    field: str
    message: str


@dataclass
class ImportResult:
    created_people: int
    enrolled: int


# Physical lines read at most (blank ones included) before a file is refused as too long.
MAX_LINES = MAX_ROWS * 5 + 100
MAX_COLUMNS = 50
# An XLSX is a zip file: refuse one that unpacks to more than this (a zip bomb).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _too_many_rows():
    return ValidationError(
        _("Te veel regels: maximaal %(n)s personen per bestand.") % {"n": MAX_ROWS}
    )


def _limited(rows):
    """Stop reading a file once it has more lines than a staff list may have: the rest of the
    file is never read."""
    nonblank = 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_LINES:
            raise _too_many_rows()
        row = row[:MAX_COLUMNS]
        if any(cell.strip() for cell in row):
            nonblank += 1
            if nonblank > MAX_ROWS + 1:  # the header and MAX_ROWS people
                raise _too_many_rows()
        yield row


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Het CSV-bestand is geen UTF-8-tekst.")) from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        return list(_limited(csv.reader(io.StringIO(text), delimiter=delimiter)))
    except csv.Error:
        # A field longer than the csv module allows, a NUL byte, an unclosed quote.
        raise ValidationError(
            _("Het CSV-bestand kan niet worden gelezen: controleer de regels en aanhalingstekens.")
        ) from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    unreadable = ValidationError(_("Het XLSX-bestand kan niet worden gelezen."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise unreadable
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise unreadable from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for corrupt files
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise ValidationError(_("Het XLSX-bestand bevat geen werkblad."))
        sheet = workbook.worksheets[0]
        # Streamed: rows are parsed one at a time and reading stops at the row limit.
        return list(
            _limited(
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            )
        )
    except ValidationError:
        raise
    except Exception:  # a corrupt sheet only shows while reading it
        raise unreadable from None
    finally:
        workbook.close()


def _rows_from_upload(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Het bestand is te groot (maximaal 2 MB)."))
    if not name.endswith((".csv", ".xlsx")):
        raise ValidationError(_("Kies een CSV- of XLSX-bestand."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Het bestand is te groot (maximaal 2 MB)."))
    if name.endswith(".csv"):
        return _csv_rows(data)
    return _xlsx_rows(data)


def _has_control_characters(value: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in value)


def parse_staff_list(upload) -> tuple[list[dict], list[ImportProblem]]:
    numbered = [
        (number, row)
        for number, row in enumerate(_rows_from_upload(upload), start=1)
        if any(c.strip() for c in row)
    ]
    if not numbered:
        raise ValidationError(_("Het bestand is leeg."))
    header = [COLUMNS.get(cell.strip().lower()) for cell in numbered[0][1]]
    if "email" not in header:
        raise ValidationError(
            _("De eerste regel moet de kolomnamen bevatten, met ten minste 'e-mail'.")
        )
    if len(numbered) - 1 > MAX_ROWS:
        raise _too_many_rows()
    people, errors, seen = [], [], {}
    for number, row in numbered[1:]:
        values = {
            key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header) if key
        }
        email = values.get("email", "").lower()
        try:
            if len(email) > 254 or _has_control_characters(email):
                raise ValidationError("")
            validate_email(email)
        except ValidationError:
            errors.append(
                ImportProblem(
                    number,
                    "e-mail",
                    _("'%(value)s' is geen geldig e-mailadres.") % {"value": email},
                )
            )
            continue
        if email in seen:
            errors.append(
                ImportProblem(
                    number,
                    "e-mail",
                    _("Dit adres staat ook op regel %(line)s.") % {"line": seen[email]},
                )
            )
            continue
        seen[email] = number
        for key, label in (("first_name", "voornaam"), ("last_name", "achternaam")):
            if len(values.get(key, "")) > 150:
                errors.append(ImportProblem(number, label, _("Maximaal 150 tekens.")))
            elif _has_control_characters(values.get(key, "")):
                errors.append(ImportProblem(number, label, _("Gebruik geen regeleinden of tabs.")))
        people.append({**values, "line": number, "email": email})
    return people, errors


def import_staff(*, by, unit, programme, upload) -> tuple[ImportResult | None, list[ImportProblem]]:
    """Validate the whole list, then enrol everybody in one transaction. Team leads (TdT
    participants) enrol existing members of `unit` only; people who manage the unit (directors,
    admins) may also add people: an address without an account gets one (and is enrolled); an
    existing account that is not yet a member is *invited* to join and enrolled once its owner
    accepts (organisations.services.member_add_by_email). Both count as "new in the team", so
    the answer never tells whether an address is known elsewhere. Returns (result, []) or (None, errors)."""
    if not permissions.progress_units(by).filter(pk=unit.pk).exists():
        raise PermissionDenied
    may_add_people = permissions.can_add_unit_members(by, unit)
    people, errors = parse_staff_list(upload)
    User = get_user_model()
    existing = {
        u.email.lower(): u
        for u in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[p["email"] for p in people]
        )
    }
    members = set(
        unit.memberships.current()
        .filter(user__in=existing.values())
        .values_list("user_id", flat=True)
    )
    if not may_add_people:
        for person in people:
            user = existing.get(person["email"])
            if user is None or user.pk not in members:
                # The same answer for an unknown address and one of another school.
                errors.append(
                    ImportProblem(
                        person["line"],
                        "e-mail",
                        _(
                            "Geen teamlid van %(unit)s. Je kunt alleen bestaande teamleden "
                            "inschrijven; de directeur voegt nieuwe teamleden toe."
                        )
                        % {"unit": unit.name},
                    )
                )
    if errors:
        return None, sorted(errors, key=lambda e: e.line)
    added = 0
    with transaction.atomic():
        for person in people:
            user = existing.get(person["email"])
            if user is not None and user.pk in members:
                services.enrol(user=user, programme=programme, by=by, unit=unit)
                continue
            # A new address gets an account and a set-password link; an existing account of
            # someone outside the team gets only an invitation to join, which they accept
            # themselves (then the enrolment follows: courses' join hook). The answer to the
            # uploader is the same either way.
            outcome = member_add_by_email(
                by=by,
                unit=unit,
                email=person["email"],
                role_codes=["learner"],
                first_name=person.get("first_name", ""),
                last_name=person.get("last_name", ""),
                payload={"programme": programme.pk},
            )
            added += 1
            if outcome.membership is not None:
                services.enrol(user=outcome.membership.user, programme=programme, by=by, unit=unit)
    return ImportResult(created_people=added, enrolled=len(people)), []
