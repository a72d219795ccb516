"""Background work of the LTI tool: scores to platforms' gradebooks and rosters. Tasks take
ids, are idempotent (a score is sent once per change) and retry on transient errors, also
when the platform is briefly unreachable."""

import requests
from celery import shared_task
from pylti1p3.exception import LtiException

from glans_learning.core.tasks import TRANSIENT_ERRORS

from . import services
from .models import GradeTarget

RETRY = {"retry_backoff": 30, "retry_backoff_max": 30 * 60, "max_retries": 12}
TRANSIENT = {
    "autoretry_for": (*TRANSIENT_ERRORS, requests.RequestException, LtiException),
    **RETRY,
}


@shared_task(**TRANSIENT)
def post_scores(user_id: int) -> int:
    """Send each of the learner's gradebook columns its current score (when it changed)."""
    ids = list(GradeTarget.objects.filter(user_id=user_id).values_list("pk", flat=True))
    return sum(services.score_post(target_id=pk) for pk in ids)


@shared_task(**TRANSIENT)
def sync_roster(context_id: int) -> int:
    return services.roster_sync(context_id=context_id)


@shared_task(**TRANSIENT)
def forget_nonces() -> int:
    return services.nonces_forget()
