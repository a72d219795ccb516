"""API endpoints for people and organisations."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from . import selectors
from .permissions import get_visible_unit_or_404, is_academy_staff
from .utils import parse_id

router = Router(tags=["organisaties"])


class UnitOut(Schema):
    id: int
    name: str
    type: str
    type_label: str
    board: str


class MembershipOut(Schema):
    unit: UnitOut | None
    roles: list[str]
    school_year: str | None


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_academy_staff: bool
    memberships: list[MembershipOut]


class MemberOut(Schema):
    user_id: int
    username: str
    first_name: str
    last_name: str
    email: str
    roles: list[str]
    school_year: str | None
    groups: list[str]


class ErrorOut(Schema):
    detail: str


def _unit_out(unit) -> UnitOut | None:
    if unit is None:
        return None
    return UnitOut(
        id=unit.pk,
        name=unit.name,
        type=unit.unit_type,
        type_label=str(unit.get_unit_type_display()),
        board=unit.board.name,
    )


@router.get("/me", response=MeOut, summary=_("Mijn account en lidmaatschappen"))
def me(request):
    user = request.user
    memberships = [
        MembershipOut(
            unit=_unit_out(m.unit),
            roles=[r.code for r in m.roles.all()],
            school_year=m.school_year.label if m.school_year else None,
        )
        for m in selectors.memberships_for_user(user=user)
    ]
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        is_academy_staff=is_academy_staff(user),
        memberships=memberships,
    )


@router.get(
    "/organisations/{unit_id}/members",
    response={200: list[MemberOut], 403: ErrorOut, 404: ErrorOut},
    summary=_("Leden van een organisatie-eenheid"),
)
def unit_members(request, unit_id: str):
    unit = get_visible_unit_or_404(
        request.user, parse_id(unit_id), perm="glans_organisations.view_unit_members"
    )
    return [
        MemberOut(
            user_id=m.user_id,
            username=m.user.get_username(),
            first_name=m.user.first_name,
            last_name=m.user.last_name,
            email=m.user.email,
            roles=[r.code for r in m.roles.all()],
            school_year=m.school_year.label if m.school_year else None,
            groups=[g.name for g in m.groups.all()],
        )
        for m in selectors.unit_members(unit=unit)
    ]
