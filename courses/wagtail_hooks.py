"""Registers the course admin screens (scoped). Only registration happens here."""

from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from glans_learning.content.xblocks.views import EXERCISE_ACCESS_HOOK
from glans_learning.core.actions import (
    FormServiceCreateAction,
    FormServiceEditAction,
    ServiceDeleteAction,
    ServiceEditAction,
    register_plain,
    service_action,
)
from glans_learning.core.navigation import LANDING_HOOK, NAV_HOOK
from glans_learning.measurement.selectors import PRACTICE_LESSONS_HOOK
from glans_learning.organisations.admin_views import ScopedModelViewSet
from glans_learning.organisations.services import JOIN_ACCEPTED_HOOK

from . import (
    privacy,  # noqa: F401 (registers the AVG hooks)
    services,
)
from .forms import EnrollmentCreateForm, RegistrationForm, SessionForm
from .models import Enrollment, Register, Session, SessionRegistration
from .models.pages import PAGE_VIEWS_HOOK
from .navigation import course_landing, course_nav
from .selectors.lessons import practice_lessons
from .views import pages as page_views

hooks.register(NAV_HOOK, course_nav)
hooks.register(LANDING_HOOK, course_landing)
hooks.register(EXERCISE_ACCESS_HOOK, services.exercise_refusal)
hooks.register(PAGE_VIEWS_HOOK, lambda: page_views)
hooks.register(JOIN_ACCEPTED_HOOK, services.enrol_after_join)


class SessionViewSet(ScopedModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Bijeenkomsten")
    form_fields = [
        "programme",
        "unit",
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "location",
        "online_url",
        "trainers",
        "modules",
        "capacity",
        "agenda",
        "trainer_materials",
        "school_year",
    ]
    list_display = ["title", "programme", "unit", "starts_at", "capacity", "is_official"]
    list_filter = ["kind", "school_year"]
    search_fields = ["title", "location"]

    def get_form_class(self, for_update=False):
        return modelform_factory(Session, form=SessionForm, fields=self.form_fields)


class SessionRegistrationViewSet(ScopedModelViewSet):
    model = SessionRegistration
    icon = "tick"
    menu_label = _("Aanmeldingen en aanwezigheid")
    form_fields = ["session", "user", "attendance", "attendance_note"]
    list_display = ["user", "session", "attendance"]
    list_filter = ["attendance"]

    def get_form_class(self, for_update=False):
        return modelform_factory(
            SessionRegistration, form=RegistrationForm, fields=self.form_fields
        )


class RegisterViewSet(ScopedModelViewSet):
    model = Register
    icon = "list-ul"
    menu_label = _("Registers")
    form_fields = [
        "name",
        "unit",
        "cycle_years",
        "required_per_cycle",
        "themes",
        "notes",
        "is_active",
    ]
    list_display = ["name", "unit", "cycle_years", "is_active"]


class EnrollmentViewSet(ScopedModelViewSet):
    model = Enrollment
    icon = "user"
    menu_label = _("Inschrijvingen")
    form_fields = ["status"]
    list_display = ["user", "programme", "school_year", "unit", "status"]
    list_filter = ["status", "school_year"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]

    def get_form_class(self, for_update=False):
        if for_update:
            return super().get_form_class(for_update=True)
        return modelform_factory(
            Enrollment,
            form=EnrollmentCreateForm,
            fields=["user", "programme", "unit", "school_year"],
        )


class CoursesViewSetGroup(ModelViewSetGroup):
    menu_label = _("Leren")
    menu_icon = "doc-full"
    menu_order = 210
    items = (
        SessionViewSet("glans_sessions"),
        SessionRegistrationViewSet("glans_registrations"),
        EnrollmentViewSet("glans_enrollments"),
        RegisterViewSet("glans_registers"),
    )


@hooks.register("register_admin_viewset")
def register_courses_viewsets():
    return CoursesViewSetGroup()


@hooks.register("register_actions")
def register_course_actions(registry):
    """The admin's writes of the course models go through the course services."""
    registry.register(Session, service_action(FormServiceCreateAction, services.session_plan))
    registry.register(Session, service_action(FormServiceEditAction, services.session_plan))
    registry.register(Session, service_action(ServiceDeleteAction, services.session_delete))
    for action in (FormServiceCreateAction, FormServiceEditAction):
        registry.register(SessionRegistration, service_action(action, services.registration_manage))
    registry.register(
        SessionRegistration, service_action(ServiceDeleteAction, services.registration_delete)
    )
    registry.register(Enrollment, service_action(FormServiceCreateAction, services.enrol))
    registry.register(Enrollment, service_action(ServiceEditAction, services.enrolment_status_set))
    registry.register(Enrollment, service_action(ServiceDeleteAction, services.enrolment_delete))
    register_plain(registry, Register)


# The rating grid offers these lessons next to a dull rating (measurement cannot import courses).
hooks.register(PRACTICE_LESSONS_HOOK, practice_lessons)
