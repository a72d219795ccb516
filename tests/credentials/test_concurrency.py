"""Concurrent runs of the achievement task (a retry racing the first run, a re-evaluation)
write each ledger entry and certificate exactly once (PostgreSQL: real concurrency)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from glans_learning.courses.models import ProgrammeCompletion, Register
from glans_learning.credentials import tasks
from glans_learning.credentials.models import (
    Accreditation,
    Certificate,
    LearningRecord,
    PointsEntry,
)
from tests.builders import build_programme
from tests.courses.test_concurrency import run_concurrently
from tests.factories import person

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_task_runs_write_once(tmp_path, zonnebloem):
    register = Register.objects.get(name="Schoolleidersregister PO")
    programme = build_programme(tmp_path, slug="samen", modules=1, lessons_per_module=1)
    Accreditation.objects.create(register=register, programme=programme, value=Decimal(10))
    learners = [person(f"gelijk{i}", unit=zonnebloem) for i in range(3)]
    # bulk_create sends no post_save: nothing ran yet, so the concurrent runs race from
    # scratch (the first run, its retries and a re-evaluation, all at once).
    completions = ProgrammeCompletion.objects.bulk_create(
        ProgrammeCompletion(user=u, programme=programme, completed_at=timezone.now())
        for u in learners
    )
    assert not PointsEntry.objects.exists()
    work = [c.pk for c in completions for _ in range(3)]
    run_concurrently(len(work), lambda i: tasks.record_programme_completion(work[i]))
    for user in learners:
        assert PointsEntry.objects.filter(user=user).count() == 1
        assert Certificate.objects.filter(user=user).count() == 1
        assert LearningRecord.objects.filter(user=user).count() == 2
    indexes = list(Certificate.objects.values_list("status_index", flat=True))
    assert len(set(indexes)) == 3
    assert all(Certificate.objects.values_list("credential_jwt", flat=True))
