"""The oudervolgsysteem's admin actions (Wagtail's action registry, see core/actions.py)."""

from glans_learning.core.actions import ServiceCreateAction

from . import services


class MomentCreateAction(ServiceCreateAction):
    """A measurement moment made in the admin is made by `moment_create`, like the defaults."""

    service = staticmethod(services.moment_create)

    def call_service(self, data):
        return services.moment_create(
            unit=data["unit"],
            school_year=data["school_year"],
            date=data["date"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            title=data.get("title") or "",
        )
