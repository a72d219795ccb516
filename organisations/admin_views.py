"""Scoped Wagtail admin viewsets. Wagtail's edit/inspect/history/usage/delete views load
objects by primary key without a scope; these subclasses check the permission policy's
scope on every object they load and filter every listing."""

from django.http import Http404
from wagtail.admin.viewsets.model import ModelViewSet

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

    # Listings pass the row's instance; object views call these without one.
    def get_edit_url(self, *args):
        if args and not self._may("change", args[0]):
            return None
        return super().get_edit_url(*args)

    def get_delete_url(self, *args):
        if args and not self._may("delete", args[0]):
            return None
        return super().get_delete_url(*args)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if getattr(self, "model", None) is not None and queryset.model is self.model:
            queryset = queryset.filter(pk__in=self._scoped_queryset().values("pk"))
        return queryset


class ReadableColumnsMixin:
    """Index columns people can read: yes/no fields as icons (not "True"), people by their
    full name (not their username)."""

    def _get_custom_column(self, field_name, column_class=None, **kwargs):
        from django.contrib.auth import get_user_model
        from django.core.exceptions import FieldDoesNotExist
        from django.db import models
        from wagtail.admin.ui.tables import BooleanColumn, Column, UserColumn

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
        import datetime

        from django.utils import dateformat, timezone
        from django.utils.translation import gettext

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


class ScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose views all respect the permission policy's scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attr in _SCOPED_VIEWS:
            base = getattr(self, attr)
            if not issubclass(base, ScopedObjectMixin):
                setattr(self, attr, type(f"Scoped{base.__name__}", (ScopedObjectMixin, base), {}))
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
