"""Scoped Wagtail admin viewsets. Wagtail's edit/inspect/history/usage/delete views load
objects by primary key without a scope; these subclasses check the permission policy's
scope on every object they load and filter every listing."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from wagtail.admin.ui.tables import BooleanColumn, Column, UserColumn
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log

_SCOPED_VIEWS = (
    "index_view_class",
    "edit_view_class",
    "delete_view_class",
    "history_view_class",
    "usage_view_class",
    "copy_view_class",
    "inspect_view_class",
)


class ScopedObjectMixin:
    def _scoped_queryset(self):
        # Each action has its own scope: an edit or delete view asks for the instances the
        # user may change or delete, not merely see.
        action = getattr(self, "permission_required", None)
        if action in ("change", "delete"):
            return self.permission_policy.instances_user_has_permission_for(
                self.request.user, action
            )
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change", "delete"]
        )

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and not self._scoped_queryset().filter(pk=obj.pk).exists():
            raise Http404
        return obj

    def _may(self, action, instance) -> bool:
        """For listings: whether `action` is in scope for `instance`, where the policy gives
        that action a narrower scope than viewing (one query per action per page)."""
        policy = self.permission_policy
        if action not in getattr(policy, "action_scopes", {}):
            return True
        cache = self.__dict__.setdefault("_glans_action_pks", {})
        if action not in cache:
            cache[action] = set(
                policy.instances_user_has_permission_for(self.request.user, action).values_list(
                    "pk", flat=True
                )
            )
        return instance.pk in cache[action]

    # Listings pass the row's instance; object views (inspect, history) call these without
    # one and mean their own object: no link to an edit or delete screen that would refuse.
    def get_edit_url(self, *args):
        instance = args[0] if args else getattr(self, "object", None)
        if instance is not None and not self._may("change", instance):
            return None
        return super().get_edit_url(*args)

    def get_delete_url(self, *args):
        instance = args[0] if args else getattr(self, "object", None)
        if instance is not None and not self._may("delete", instance):
            return None
        return super().get_delete_url(*args)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if getattr(self, "model", None) is not None and queryset.model is self.model:
            queryset = queryset.filter(pk__in=self._scoped_queryset().values("pk"))
        return queryset


class ServiceRefusalMixin:
    """Create, edit and delete views: the project's actions (core/actions.py) write through
    the services; when a service refuses (ValidationError), the admin shows its translated
    message and nothing changed (the view's transaction is rolled back)."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            if getattr(self, "permission_required", None) == "delete":
                return HttpResponseRedirect(self.get_success_url())
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)


_WRITE_VIEWS = ("add_view_class", "edit_view_class", "delete_view_class")


class ReadableColumnsMixin:
    """Index columns people can read: yes/no fields as icons (not "True"), people by their
    full name (not their username). The listing's CSV/XLSX download has the listing's own
    columns unless the viewset names `list_export` (without either Wagtail offers the
    download and writes an empty file); cells go through core.exports' neutralising."""

    _explicit_list_export = None

    @property
    def list_export(self):
        if self._explicit_list_export:
            return self._explicit_list_export
        return [field for field in (self.list_display or []) if isinstance(field, str)]

    @list_export.setter
    def list_export(self, value):
        self._explicit_list_export = list(value or [])

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        user_model = get_user_model()
        for field, value in row.items():
            if isinstance(value, user_model):
                row[field] = _full_name(value)
        return row

    def _get_custom_column(self, field_name, column_class=None, **kwargs):
        try:
            field = self.model._meta.get_field(field_name)
        except FieldDoesNotExist:
            field = None
        is_person = isinstance(field, models.ForeignKey) and field.related_model is get_user_model()
        if column_class is None:
            column_class = Column
            if isinstance(field, models.BooleanField):
                column_class = BooleanColumn
            elif is_person:
                column_class = UserColumn
        elif is_person:  # the title column: the person's name, linking to the edit view
            kwargs.setdefault("accessor", lambda obj: _full_name(getattr(obj, field_name)))
        return super()._get_custom_column(field_name, column_class, **kwargs)


class ReadableInspectMixin:
    """Inspect views people can read: yes/no as Ja/Nee (not "True"), moments in the site's
    time zone and in Dutch (not UTC)."""

    def get_field_display_value(self, field_name, field):

        value = super().get_field_display_value(field_name, field)
        if value is True:
            return gettext("Ja")
        if value is False:
            return gettext("Nee")
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return dateformat.format(value, "j F Y H:i")
        if isinstance(value, datetime.date):
            return dateformat.format(value, "j F Y")
        return value


def _full_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


class SnippetTitleMixin:
    """Wagtail's snippet edit template includes the slim header without the `title` its
    screen-reader-only h1 needs (the generic templates pass header_title): give it one, so
    the edit screen has a level-one heading (axe: page-has-heading-one, issue #25)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("title", context.get("header_title") or self.get_page_title())
        return context


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose views all respect the permission policy's scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attr in _SCOPED_VIEWS:
            base = getattr(self, attr)
            if not issubclass(base, ScopedObjectMixin):
                setattr(self, attr, type(f"Scoped{base.__name__}", (ScopedObjectMixin, base), {}))
        for attr in _WRITE_VIEWS:
            base = getattr(self, attr)
            if not issubclass(base, ServiceRefusalMixin):
                setattr(
                    self, attr, type(f"Refusing{base.__name__}", (ServiceRefusalMixin, base), {})
                )
        if not issubclass(self.inspect_view_class, ReadableInspectMixin):
            base = self.inspect_view_class
            self.inspect_view_class = type(
                f"Readable{base.__name__}", (ReadableInspectMixin, base), {}
            )
        if not issubclass(self.index_view_class, ReadableColumnsMixin):
            base = self.index_view_class
            self.index_view_class = type(
                f"Readable{base.__name__}", (ReadableColumnsMixin, base), {}
            )


class MembershipCreateView(CreateView):
    """Adding a person by address answers the same whether the address had an account: a
    new account gets this membership and a set-password link, an existing one an invitation
    to join that only its owner can accept (services.member_add_by_email)."""

    def form_valid(self, form):
        if form.cleaned_data.get("user") is not None or not form.cleaned_data.get("new_email"):
            return super().form_valid(form)

        self.form = form
        with transaction.atomic():
            membership = form.save()
            if membership is not None:
                log(instance=membership, action="wagtail.create", user=self.request.user)
        messages.success(
            self.request,
            gettext(
                "Er is een e-mail gestuurd naar %(email)s. Wie nog geen account had, kiest "
                "daarmee een wachtwoord; wie al een account heeft, doet pas mee na het "
                "accepteren van de uitnodiging."
            )
            % {"email": form.cleaned_data["new_email"]},
        )
        return redirect(self.get_success_url())
