"""Every model the plugin shows in the admin resolves its create, edit and delete to the
project's own actions (core/actions.py, Wagtail's action registry), never to Wagtail's
default save/delete: one write path from every interface."""

import pytest
from wagtail import hooks
from wagtail.actions import action_registry
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import get_snippet_models

from glans_learning.core.actions import GlansAction


def _viewsets():
    for fn in hooks.get_hooks("register_admin_viewset"):
        result = fn()
        for item in result if isinstance(result, (list, tuple)) else [result]:
            if isinstance(item, ViewSetGroup):
                yield from item.registerables
            else:
                yield item


def _model(model):
    from django.apps import apps

    return apps.get_model(model) if isinstance(model, str) else model


def plugin_admin_models():
    found = {_model(v.model) for v in _viewsets() if getattr(v, "model", None) is not None}
    models = {m for m in found if m._meta.app_label.startswith("glans_")}
    models |= {m for m in get_snippet_models() if m._meta.app_label.startswith("glans_")}
    return models


def test_the_plugin_shows_models_in_the_admin(db):
    labels = {m._meta.label for m in plugin_admin_models()}
    assert {
        "glans_courses.Session",
        "glans_courses.SessionRegistration",
        "glans_courses.Enrollment",
        "glans_measurement.MeasurementMoment",
        "glans_organisations.Membership",
        "glans_certification.Handbook",
    } <= labels


@pytest.mark.parametrize("action", ["create", "edit", "delete"])
def test_every_admin_model_writes_through_the_projects_actions(db, action):
    wrong = [
        f"{model._meta.label} {action}: {cls.__module__}.{cls.__name__}"
        for model in sorted(plugin_admin_models(), key=lambda m: m._meta.label)
        if not issubclass(cls := action_registry.get_action_class(model, action), GlansAction)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("label", "action", "service"),
    [
        ("glans_courses.SessionRegistration", "delete", "registration_delete"),
        ("glans_courses.SessionRegistration", "create", "registration_manage"),
        ("glans_courses.Session", "delete", "session_delete"),
        ("glans_courses.Session", "edit", "session_plan"),
        ("glans_courses.Enrollment", "edit", "enrolment_status_set"),
        ("glans_courses.Enrollment", "create", "enrol"),
        ("glans_measurement.MeasurementMoment", "create", "moment_create"),
        ("glans_organisations.Membership", "edit", "membership_save"),
    ],
)
def test_models_with_rules_name_their_service(db, label, action, service):
    from django.apps import apps

    cls = action_registry.get_action_class(apps.get_model(label), action)
    assert cls.service is not None and cls.service.__name__ == service
