"""The project's admin actions: the seam between Wagtail's generic admin views and the
services (Wagtail's action registry, `register_actions` hook).

Wagtail's create, edit and delete views look up the action registered for their model and
call it; left alone, that is Wagtail's own `CreateAction`/`EditAction`/`DeleteAction`, which
save or delete the row directly. Every model the plugin shows in the admin registers one of
the actions below instead (tests/core/test_admin_actions.py checks that none is forgotten),
so the admin's write is always a decision taken here:

- `FormServiceCreateAction`/`FormServiceEditAction`: the admin form's `save` is the service
  call (e.g. courses.forms.RegistrationForm → services.registration_manage);
- `ServiceCreateAction`/`ServiceEditAction`/`ServiceDeleteAction`: the action calls the
  service with the user and the form's cleaned data or the instance;
- `Refused*Action`: nobody takes that action in the admin (the permission policy agrees);
- `Plain*Action`: reference data without rules beyond the model's own validation
  (boards, school years, registers…), saved as Wagtail does; named so that choice is
  explicit.

A service refuses with `ValidationError` (bad input, a rule) or `PermissionDenied`; the
scoped admin views (organisations/admin_views.py) show its translated message and change
nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction
from wagtail.log_actions import log


class refusals_as_validation_errors:
    """A service's PermissionDenied inside an admin action becomes a translated
    ValidationError, which the admin views show as a message (the view had already checked
    the model permission; the service's own rule said no)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None and issubclass(kind, PermissionDenied):
            raise ValidationError(_("Dat mag je hier niet doen.")) from error
        return False


class GlansAction:
    """Marks an action as the project's own decision for a model (see the module docstring)."""

    #: The service (function) the write goes through, for the reader and the test; None
    #: for the plain actions.
    service = None


class FormServiceCreateAction(GlansAction, CreateAction):
    """Create through the admin form, whose `save` calls `service`."""


class FormServiceEditAction(GlansAction, EditAction):
    """Edit through the admin form, whose `save` calls `service`."""


class ServiceCreateAction(GlansAction, CreateAction):
    """Create by calling `call_service(data)` (by default `service(by=user, data=…)`) with the
    form's cleaned data; the service returns the new instance."""

    def call_service(self, data):
        return type(self).service(by=self.user, data=data)

    def _save_instance(self):
        with refusals_as_validation_errors():
            self.instance = self.call_service(self.form.cleaned_data)
        self.form.instance = self.instance  # the generic view reads the form's instance


class ServiceEditAction(GlansAction, EditAction):
    """Edit by calling `service(by=user, instance=…, data=form.cleaned_data)`; the service
    returns the saved instance."""

    def _save_instance(self):
        service = type(self).service
        with refusals_as_validation_errors():
            self.instance = service(
                by=self.user, instance=self.instance, data=self.form.cleaned_data
            )
        self.form.instance = self.instance


class ServiceDeleteAction(GlansAction, DeleteAction):
    """Delete by calling `service(by=user, instance=…)`, which may refuse; logged like
    Wagtail's own delete, in the same transaction."""

    def _delete(self):
        with transaction.atomic(), refusals_as_validation_errors():
            if self.log_action:
                log(instance=self.instance, action=self.log_action, user=self.user, deleted=True)
            return type(self).service(by=self.user, instance=self.instance)


class PlainCreateAction(GlansAction, CreateAction):
    """Reference data: saved as Wagtail saves it (full model validation through the form)."""


class PlainEditAction(GlansAction, EditAction):
    """Reference data: saved as Wagtail saves it."""


class PlainDeleteAction(GlansAction, DeleteAction):
    """Reference data: deleted as Wagtail deletes it (protected rows are refused by the view)."""


class RefusedCreateAction(GlansAction, CreateAction):
    """Nobody creates this model in the admin (its permission policy says so too)."""

    def execute(self, skip_permission_checks=False):
        raise ValidationError(_("Dat mag je hier niet doen."))


class RefusedEditAction(GlansAction, EditAction):
    """Nobody edits this model in the admin (its permission policy says so too)."""

    def execute(self, skip_permission_checks=False):
        raise ValidationError(_("Dat mag je hier niet doen."))


class RefusedDeleteAction(GlansAction, DeleteAction):
    """Nobody deletes this model in the admin (its permission policy says so too)."""

    def execute(self, skip_permission_checks=False):
        raise ValidationError(_("Dat mag je hier niet doen."))


def register_plain(registry, *models) -> None:
    """Register the plain create/edit/delete actions for reference-data models."""
    for model in models:
        for action in (PlainCreateAction, PlainEditAction, PlainDeleteAction):
            registry.register(model, action)


def service_action(base: type, service, name: str | None = None) -> type:
    """A subclass of `base` (one of the actions above) that goes through `service`."""
    label = name or f"{base.__name__}For_{service.__name__}"
    return type(label, (base,), {"service": staticmethod(service)})
