"""Filter forms that every request of a screen renders (issue #30): short choice lists read
once, and select boxes rendered in Python with the markup of Django's templates.

Django reads a ModelChoiceField's queryset to validate the value, again for the options and
once more (the first option) to decide on the `required` attribute, and renders every option
through two templates. For the few units, programmes and school years of a filter that was
most of the team dashboard's fixed cost."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A Select with Django's own context (selection, attributes, option groups) whose markup
    is built in Python: the same HTML as django/forms/widgets/select.html and
    select_option.html with the default form renderer (tests/core/test_forms.py compares
    them), without rendering a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        out = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in group_choices:
                # select_option.html ends with a new line, which the include keeps.
                out.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        _attrs(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _attrs(attrs) -> str:
    # As django/forms/widgets/attrs.html: `False` leaves the attribute out, `True` names it.
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{conditional_escape(str(value))}"')
    return mark_safe("".join(out))  # noqa: S308 - names and values escaped


class _ListedIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects())


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a short list (a filter's units, programmes, school years): the
    queryset is read once per form, and validation and the options use that list. The same
    values, labels and errors as ModelChoiceField."""

    iterator = _ListedIterator
    widget = PlainSelect

    def _set_queryset(self, queryset):
        self._objects = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def objects(self) -> list:
        if self._objects is None:
            self._objects = [] if self.queryset is None else list(self.queryset)
        return self._objects

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        model = self.queryset.model
        if isinstance(value, model):
            value = getattr(value, self.to_field_name or "pk")
        # As the database look-up Django makes: the value converted by the model field.
        field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        try:
            wanted = field.to_python(value)
        except (ValidationError, TypeError, ValueError):
            wanted = None
        if wanted is not None:
            for obj in self.objects():
                if getattr(obj, field.attname) == wanted:
                    return obj
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )
