"""Writes of the LTI tool (docs/lti.md): the account and enrolment a launch brings, the page a
placed link opens, the roster, and scores sent to the platform's gradebook."""

import hashlib
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lti_tool.models import LtiContext, LtiUser
from lti_tool.utils import sync_data_from_launch
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from glans_learning.courses.models import LessonPage, ModulePage, ProgrammePage
from glans_learning.courses.services import enrol_placed
from glans_learning.organisations.models import RoleCode
from glans_learning.organisations.services import membership_grant, user_create

from . import selectors
from .models import GradeTarget, PlacedLink, Placement, UsedNonce

logger = logging.getLogger(__name__)

AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
CUSTOM_PAGE = "glans_page"


def nonce_use(*, nonce: str) -> None:
    """Record a launch's nonce; a nonce seen before is a replay (PermissionDenied)."""
    if not nonce:
        raise PermissionDenied(_("Deze start mist een eenmalige code."))
    try:
        with transaction.atomic():
            UsedNonce.objects.create(nonce=nonce[:255])
    except IntegrityError:
        raise PermissionDenied(_("Deze start is al eens gebruikt.")) from None


def nonces_forget(*, older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _rest = UsedNonce.objects.filter(used_at__lt=timezone.now() - older_than).delete()
    return deleted


def placement_for(lti_launch) -> Placement:
    """The placement of the launch's registration; a launch of a platform that no platform
    admin placed at a school is refused."""
    placement = (
        Placement.objects.select_related("unit")
        .filter(registration=lti_launch.registration)
        .first()
    )
    if placement is None:
        raise PermissionDenied(_("Dit platform is nog niet aan een school gekoppeld."))
    return placement


def _role_codes(lti_launch) -> list[str]:
    # Every launched person is a learner at the placement's school: the platform's instructor
    # role places links there, it does not make anyone a director here.
    return [RoleCode.LEARNER]


@transaction.atomic
def _account(*, registration, sub: str):
    """The GLANS account of a platform user (registration + sub): created for them the first
    time, with no usable password; never an existing account found by e-mail address, so a
    platform can't sign anybody into an account it does not own."""
    lti_user = (
        LtiUser.objects.select_for_update(of=("self",))
        .select_related("auth_user")
        .get(registration=registration, sub=sub)
    )
    if lti_user.auth_user is None:
        digest = hashlib.sha256(f"{registration.uuid}:{sub}".encode()).hexdigest()[:12]
        lti_user.auth_user = user_create(
            email="",
            first_name=(lti_user.given_name or "")[:150],
            last_name=(lti_user.family_name or "")[:150],
            username=f"lti.{digest}",
        )
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
    return lti_user.auth_user


@transaction.atomic
def account_for_launch(*, lti_launch, placement: Placement):
    """The account a launch signs into, a learner at the placement's school."""
    user = _account(registration=lti_launch.registration, sub=lti_launch.get_claim("sub"))
    if not user.is_active:
        raise PermissionDenied(_("Dit account is uitgeschakeld."))
    membership_grant(user=user, unit=placement.unit, role_codes=_role_codes(lti_launch))
    return user


def _course_page(page_id) -> object:
    try:
        page_id = int(page_id)
    except (TypeError, ValueError):
        raise ValidationError(_("Deze link wijst niet naar een onderdeel van GLANS.")) from None
    for model in (LessonPage, ModulePage, ProgrammePage):
        page = model.objects.live().filter(pk=page_id).first()
        if page is not None:
            return page
    raise ValidationError(_("Dit onderdeel bestaat niet (meer) in GLANS."))


@transaction.atomic
def link_for_launch(*, lti_launch) -> PlacedLink:
    """The placed link of a resource launch and the page it opens (from the deep-linking
    choice, carried as the custom parameter `glans_page`)."""
    resource_link = lti_launch.resource_link
    custom = lti_launch.get_claim("https://purl.imsglobal.org/spec/lti/claim/custom") or {}
    existing = PlacedLink.objects.filter(resource_link=resource_link).first()
    if existing is not None:
        return existing
    page = _course_page(custom.get(CUSTOM_PAGE))
    return PlacedLink.objects.create(resource_link=resource_link, page=page)


def launch_resource(*, lti_launch):
    """A learner or instructor opens a placed link: account, membership, enrolment in the
    programme, the gradebook column. Returns (user, page)."""
    nonce_use(nonce=lti_launch.get_claim("nonce"))
    sync_data_from_launch(lti_launch)
    placement = placement_for(lti_launch)
    link = link_for_launch(lti_launch=lti_launch)
    user = account_for_launch(lti_launch=lti_launch, placement=placement)
    page = link.page.specific
    programme = selectors.programme_of(page)
    enrol_placed(user=user, programme=programme, unit=placement.unit)
    ags = lti_launch.ags_claim or {}
    if ags.get("lineitem") and AGS_SCORE in ags.get("scope", []):
        GradeTarget.objects.update_or_create(
            user=user,
            link=link,
            defaults={
                "deployment": lti_launch.deployment,
                "lti_sub": lti_launch.get_claim("sub"),
                "lineitem_url": ags["lineitem"],
                "scope": list(ags.get("scope", [])),
            },
        )
    return user, page


def launch_deep_link(*, lti_launch) -> Placement:
    """An instructor starts placing links: only for a placed platform."""
    nonce_use(nonce=lti_launch.get_claim("nonce"))
    sync_data_from_launch(lti_launch)
    return placement_for(lti_launch)


def _connector(registration) -> ServiceConnector:
    return ServiceConnector(registration.to_registration())


def score_post(*, target_id: int) -> bool:
    """Send the learner's current score for a placed link to the platform's gradebook, once
    per change: the same score is never sent twice, a changed one is. Returns whether it
    posted. Safe under retries and concurrent runs (the row is locked while posting)."""
    with transaction.atomic():
        target = (
            GradeTarget.objects.select_for_update(of=("self",))
            .select_related("link__page", "deployment__registration", "user")
            .filter(pk=target_id)
            .first()
        )
        if target is None:
            return False
        state = selectors.grade_state(user=target.user, page=target.link.page.specific)
        if target.posted_score == state.score and target.posted_progress == state.activity_progress:
            return False
        grade = (
            Grade()
            .set_score_given(state.score)
            .set_score_maximum(100)
            .set_activity_progress(state.activity_progress)
            .set_grading_progress(state.grading_progress)
            .set_timestamp(timezone.now().isoformat())
            .set_user_id(target.lti_sub)
        )
        ags = AssignmentsGradesService(
            _connector(target.deployment.registration),
            {"scope": target.scope, "lineitem": target.lineitem_url},
        )
        ags.put_grade(grade)
        target.posted_score = state.score
        target.posted_progress = state.activity_progress
        target.posted_at = timezone.now()
        target.posts += 1
        target.save(update_fields=["posted_score", "posted_progress", "posted_at", "posts"])
    logger.info("LTI score posted: target %s", target_id)
    return True


def roster_sync(*, context_id: int) -> int:
    """Names and Role Provisioning: every member of the platform's course gets a GLANS account
    and a learner membership at the placement's school, so the school sees who has not started
    yet. Returns the number of members."""
    context = LtiContext.objects.select_related("deployment__registration").get(pk=context_id)
    registration = context.deployment.registration
    placement = Placement.objects.select_related("unit").get(registration=registration)
    nrps = NamesRolesProvisioningService(
        _connector(registration), {"context_memberships_url": context.memberships_url}
    )
    members = nrps.get_members()
    context.update_memberships(members)
    subs = LtiUser.objects.filter(
        registration=registration, memberships__context=context, memberships__is_active=True
    ).values_list("sub", flat=True)
    for sub in subs:
        with transaction.atomic():
            user = _account(registration=registration, sub=sub)
            membership_grant(user=user, unit=placement.unit, role_codes=[RoleCode.LEARNER])
    return len(members)
