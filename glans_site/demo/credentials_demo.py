"""Demo credentials: directeur.zonnebloem has completed Train-de-Trainer, holds its
certificate and has points on the Schoolleidersregister PO (and hours for the kick-off)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from glans_learning.courses.models import (
    ModuleCompletion,
    ModulePage,
    ProgrammeCompletion,
    ProgrammePage,
    Register,
    Session,
    SessionRegistration,
)
from glans_learning.credentials import tasks
from glans_learning.credentials.models import Accreditation


def seed_credentials(*, users):
    tdt = ProgrammePage.objects.filter(audience="tdt").first()
    user = users.get("directeur.zonnebloem")
    if tdt is None or user is None:
        return
    portfolio = Register.objects.filter(unit=Register.Unit.HOURS).order_by("pk").first()
    kickoff = Session.objects.filter(programme=tdt).order_by("starts_at").first()
    if portfolio is not None and kickoff is not None:
        Accreditation.objects.get_or_create(
            register=portfolio,
            session=kickoff,
            defaults={"value": Decimal(3), "accreditation_id": "DEMO-RU-AFTRAP"},
        )
    done_at = timezone.now() - datetime.timedelta(days=2)
    for module in ModulePage.objects.live().descendant_of(tdt):
        ModuleCompletion.objects.get_or_create(
            user=user, module=module, defaults={"completed_at": done_at}
        )
    completion, _ = ProgrammeCompletion.objects.get_or_create(
        user=user, programme=tdt, defaults={"completed_at": done_at}
    )
    # The receivers enqueue the same work after commit; running it here as well makes the
    # demo complete without a worker, and the tasks are idempotent.
    tasks.record_programme_completion(completion.pk)
    for registration in SessionRegistration.objects.filter(user=user, session__programme=tdt):
        tasks.record_attendance(registration.pk)
