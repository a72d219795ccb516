"""Enrol a team from a CSV or XLSX staff list: every line is validated first; one wrong line
and nothing is imported. Errors name the line and the field."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

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


def _rows_from_upload(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Het bestand is te groot (maximaal 2 MB)."))
    data = upload.read()
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("Het CSV-bestand is geen UTF-8-tekst.")) from None
        sample = text[:2048]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for corrupt files
            raise ValidationError(_("Het XLSX-bestand kan niet worden gelezen.")) from None
        sheet = workbook.worksheets[0]
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    raise ValidationError(_("Kies een CSV- of XLSX-bestand."))


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
        raise ValidationError(
            _("Te veel regels: maximaal %(n)s personen per bestand.") % {"n": MAX_ROWS}
        )
    people, errors, seen = [], [], {}
    for number, row in numbered[1:]:
        values = {
            key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header) if key
        }
        email = values.get("email", "").lower()
        try:
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
        people.append({**values, "line": number, "email": email})
    return people, errors


def import_staff(*, by, unit, programme, upload) -> tuple[ImportResult | None, list[ImportProblem]]:
    """Validate the whole list, then create missing people (as learners of `unit`) and enrol
    everybody in one transaction. Returns (result, []) or (None, errors)."""
    from glans_learning.organisations import permissions
    from glans_learning.organisations.services import membership_grant, user_create

    from . import services

    if not permissions.progress_units(by).filter(pk=unit.pk).exists():
        raise PermissionDenied
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
    for person in people:
        user = existing.get(person["email"])
        if user is not None and user.pk not in members:
            errors.append(
                ImportProblem(
                    person["line"],
                    "e-mail",
                    _("Deze persoon hoort niet bij %(unit)s en kan hier niet worden ingeschreven.")
                    % {"unit": unit.name},
                )
            )
    if errors:
        return None, sorted(errors, key=lambda e: e.line)
    created = 0
    with transaction.atomic():
        for person in people:
            user = existing.get(person["email"])
            if user is None:
                user = user_create(
                    email=person["email"],
                    first_name=person.get("first_name", ""),
                    last_name=person.get("last_name", ""),
                )
                membership_grant(user=user, unit=unit, role_codes=["learner"], school_year=None)
                created += 1
            services.enrol(user=user, programme=programme, by=by, unit=unit)
    return ImportResult(created_people=created, enrolled=len(people)), []
