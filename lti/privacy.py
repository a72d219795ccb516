"""This app's part of the AVG rights (see organisations/privacy.py): what a learning platform
was sent about a person (the gradebook columns of their placed links)."""

from lti_tool.models import LtiUser
from wagtail import hooks

from glans_learning.organisations.privacy import ERASE_HOOK, EXPORT_HOOK, REGISTER_HOOK, Entry, rows

from .models import GradeTarget


@hooks.register(EXPORT_HOOK)
def export(user):
    return {
        "glans_lti.GradeTarget": rows(
            GradeTarget.objects.filter(user=user),
            "link__page__title",
            "lineitem_url",
            "posted_score",
            "posted_progress",
            "posted_at",
        )
    }


@hooks.register(REGISTER_HOOK)
def register():
    return {
        "glans_lti.GradeTarget": Entry(
            "the score last sent to a learning platform's gradebook for a placed GLANS link, "
            "and the platform's pseudonymous user id",
            "grade passback to the platform the school placed GLANS in (LTI)",
            "agreement with the school board (art. 6(1)(b)/(e))",
            "as long as the account",
            "the learner; the platform's instructors (in their gradebook)",
            "kept (no name or free text); the platform's copy of the name is cleared",
        )
    }


@hooks.register(ERASE_HOOK)
def erase(user):
    """django-lti keeps the name and address the platform sent with each launch: cleared."""
    LtiUser.objects.filter(auth_user=user).update(
        given_name="", family_name="", name="", email="", picture_url=""
    )
