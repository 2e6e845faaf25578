"""The platform's form parts: one date input and one renderer for every form.

Dates: <input type=date> reads and sends only ISO values (2026-12-03), whatever the page's
language; a value in the zh-hans format (2026/12/03) shows as an empty field and saving the form
erases the date. Every form's date field is ``DateField`` below (core/tests/test_forms.py walks
every form class of the project to hold it so); the zh-hans input formats put ISO first as well
(dangjian/formats), for date inputs the platform did not build.

Layout: ``FormRenderer`` (settings.FORM_RENDERER) renders ``{{ form }}`` with
core/forms/form.html and each field with core/forms/field.html — label, required mark, help text
and errors in one place, the widget pointing at its help and errors with ``aria-describedby`` and
marked ``aria-invalid`` when wrong (Django adds both when the ids below exist).
"""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class DateField(forms.DateField):
    widget = DateInput


def only_choice(field: forms.Field):
    """The one value a required single choice allows, or None (several, none, optional, grouped)."""
    if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or not field.required:
        return None
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return None
    if isinstance(field, forms.ModelChoiceField):
        if field.queryset is None:
            return None
        # Two rows tell one from several, without reading a list of thousands twice.
        values = list(field.queryset.values_list(field.to_field_name or "pk", flat=True)[:2])
        return values[0] if len(values) == 1 else None
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            return None  # option groups: not worth guessing
        if value not in ("", None):
            values.append(value)
    return values[0] if len(values) == 1 else None


class BoundField(forms.BoundField):
    @cached_property
    def initial(self):
        """A secretary with one branch should not have to pick it from "---------" and that branch."""
        initial = super().initial
        if initial not in (None, ""):
            return initial
        only = only_choice(self.field)
        if only is None:
            return initial
        # The form's own copy of the field (forms deep-copy their fields): drop the empty option.
        if isinstance(self.field, forms.ModelChoiceField):
            self.field.empty_label = None
        else:
            self.field.choices = [(v, label) for v, label in self.field.choices if v not in ("", None)]
        return only


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = BoundField
