"""Reads: a learner's points per register and cycle, and their certificates."""

import datetime
from decimal import Decimal

from django.utils import timezone

from glans_learning.courses.models import Register

from .models import Certificate, PointsEntry, RegisterCycle


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def cycle_for(*, register: Register, start: datetime.date, today: datetime.date):
    """The cycle (start, end inclusive) of `register` that holds `today`."""
    years = max(register.cycle_years or 1, 1)
    while _add_years(start, years) <= today:
        start = _add_years(start, years)
    return start, _add_years(start, years) - datetime.timedelta(days=1)


def points_for_user(*, user, today=None) -> list[dict]:
    today = today or timezone.localdate()
    entries = list(PointsEntry.objects.filter(user=user).select_related("register"))
    if not entries:  # no registers to show (the learner's dashboard, for most learners)
        return []
    starts = {c.register_id: c.starts_on for c in RegisterCycle.objects.filter(user=user)}
    out = []
    registers = {e.register_id: e.register for e in entries}
    for register in sorted(registers.values(), key=lambda r: r.name):
        mine = [e for e in entries if e.register_id == register.pk]
        first = starts.get(register.pk) or datetime.date(min(e.earned_on for e in mine).year, 1, 1)
        start, end = cycle_for(register=register, start=first, today=today)
        in_cycle = [e for e in mine if start <= e.earned_on <= end]
        total = sum((e.amount for e in in_cycle), Decimal(0))
        required = register.required_per_cycle
        out.append(
            {
                "register": register,
                "cycle_start": start,
                "cycle_end": end,
                "total": total,
                "required": required,
                "still_needed": max(Decimal(required) - total, Decimal(0)) if required else None,
                "entries": in_cycle,
            }
        )
    return out


def certificates_for_user(*, user):
    return Certificate.objects.filter(user=user).defer("pdf", "credential_jwt")


def register_export_rows(*, register: Register, start: datetime.date, end: datetime.date):
    """Rows for a provider portal (PE-online style; columns in docs/credentials.md)."""
    entries = (
        PointsEntry.objects.filter(register=register, earned_on__range=(start, end))
        .select_related("user")
        .order_by("accreditation_id", "earned_on", "user__last_name", "pk")
    )
    for entry in entries:
        user = entry.user
        yield [
            entry.accreditation_id,
            entry.description,
            entry.earned_on,
            user.last_name,
            user.first_name,
            user.email,
            entry.amount,
            register.get_unit_display(),
            entry.theme,
            entry.get_source_type_display(),
            entry.reason,
        ]


REGISTER_EXPORT_HEADERS = [
    "Accreditatienummer",
    "Activiteit",
    "Datum",
    "Achternaam",
    "Voornaam",
    "E-mailadres",
    "Waarde",
    "Eenheid",
    "Thema",
    "Bron",
    "Reden correctie",
]
