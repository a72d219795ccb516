"""This app's part of the AVG rights (see organisations/privacy.py): exercise state and the
events exercises published for a person."""

from wagtail import hooks

from glans_learning.organisations.privacy import (
    ERASE_HOOK,
    EXPORT_HOOK,
    REGISTER_HOOK,
    Entry,
    rows,
)

from .xblocks.models import LearningRecord, XBlockState


@hooks.register(EXPORT_HOOK)
def export(user):
    return {
        "glans_content.XBlockState": rows(
            XBlockState.objects.filter(user=user), "scope", "key", "state", "updated_at"
        ),
        "glans_content.LearningRecord": rows(
            LearningRecord.objects.filter(user=user),
            "usage_id",
            "block_type",
            "event_type",
            "data",
            "trusted",
            "created_at",
        ),
    }


@hooks.register(ERASE_HOOK)
def erase(user):
    # A learner's own exercise state can hold free text; shared summaries (no user) stay.
    XBlockState.objects.filter(user=user).delete()
    LearningRecord.objects.filter(user=user).update(data={})


@hooks.register(REGISTER_HOOK)
def register():
    return {
        "glans_content.XBlockState": Entry(
            "a learner's state in exercises (answers, preferences)",
            "letting the learner continue an exercise",
            "agreement with the school board (art. 6(1)(b)/(e))",
            "while the lesson exists; deleted on erasure",
            "the learner",
            "deleted",
        ),
        "glans_content.LearningRecord": Entry(
            "events exercises published (grades, completions)",
            "progress and results",
            "agreement with the school board (art. 6(1)(b)/(e))",
            "while the account exists; data cleared on erasure",
            "the learner; school directors as progress",
            "event data cleared; event kept for aggregates",
        ),
    }
