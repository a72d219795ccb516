"""Reads for organisations (selectors): bounded queries, scoped by the caller."""

from django.apps import apps
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from .models import Board, Membership, OrganisationUnit, Role, RoleCode, SchoolYear


def memberships_for_user(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(user=user)
        .select_related("unit", "unit__board", "school_year")
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("code")))
    )


def unit_members(*, unit: OrganisationUnit) -> QuerySet[Membership]:
    return (
        Membership.objects.current()
        .filter(unit=unit)
        .select_related("user", "school_year")
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("code")), "groups")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def first_run_missing() -> list[str]:
    """What a new site still lacks before anyone can enrol (empty when ready)."""
    missing = []
    if SchoolYear.current() is None:
        missing.append(_("een schooljaar dat vandaag loopt"))
    if not OrganisationUnit.objects.filter(is_active=True).exists():
        missing.append(
            _("een bestuur met een organisatie-eenheid")
            if not Board.objects.exists()
            else _("een organisatie-eenheid")
        )
    if not Membership.objects.filter(roles__code=RoleCode.DIRECTOR).exists():
        missing.append(_("een directeur van een eenheid (lidmaatschap met de rol Directeur)"))
    return missing


def known_to_plugin(*, user) -> bool:
    """Whether the plugin holds data on this person as a participant: a membership or an
    enrolment (the admin's personal-data action is offered for these people only)."""

    if Membership.objects.filter(user=user).exists():
        return True
    enrollment = apps.get_model("glans_courses", "Enrollment")
    return enrollment.objects.filter(user=user).exists()
