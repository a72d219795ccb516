"""Reads for organisations (selectors): bounded queries, scoped by the caller."""

from django.db.models import Prefetch, QuerySet

from .models import Membership, OrganisationUnit, Role


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
