"""The platform's forms: Django's, with every text field refusing control characters, one date
input and one renderer for every form.

Apps write ``from core import forms`` where they would write ``from django import forms``: the
same names, except:

- ``forms.Form`` and ``forms.ModelForm`` check every text field (``forms.CharField`` and its kinds)
  with ``core.text.NoControlCharacters`` — multi-line (``Textarea``) fields keep tab and line
  breaks. A test fails on a project form that is not built on them.
- ``forms.DateField`` / ``forms.DateInput``: <input type=date> reads and sends only ISO values
  (2026-12-03), whatever the page's language; a value in the zh-hans format (2026/12/03) shows as
  an empty field and saving the form erases the date. core/tests/test_forms.py walks every form
  class of the project to hold it so; the zh-hans input formats put ISO first as well
  (dangjian/formats), for date inputs the platform did not build. ``forms.MonthField``: a month
  (<input type=month>, 2026-03), stored as its first day.

Layout: ``FormRenderer`` (settings.FORM_RENDERER) renders ``{{ form }}`` with
core/forms/form.html and each field with core/forms/field.html — label, required mark, help text
and errors in one place, the widget pointing at its help and errors with ``aria-describedby`` and
marked ``aria-invalid`` when wrong (Django adds both when the ids below exist).
"""

from django import forms as django_forms
from django.core.validators import ProhibitNullCharactersValidator
from django.forms import *  # noqa: F403 — the rest of django.forms, unchanged
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

from core.text import NoControlCharacters

ISO_DATE = "%Y-%m-%d"


class TextChecks:
    """Adds the control-character check to every text field, also to fields a form adds in its
    own ``__init__``; it replaces Django's NUL check (English, and only NUL)."""

    def full_clean(self):
        for field in self.fields.values():
            if isinstance(field, django_forms.CharField):
                check = NoControlCharacters(multiline=isinstance(field.widget, django_forms.Textarea))
                field.validators = [v for v in field.validators
                                    if not isinstance(v, ProhibitNullCharactersValidator | NoControlCharacters)]
                field.validators.append(check)
        super().full_clean()


class Form(TextChecks, django_forms.Form):
    pass


class ModelForm(TextChecks, django_forms.ModelForm):
    pass


class DateInput(django_forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=ISO_DATE):
        super().__init__(attrs, format=format)


class DateField(django_forms.DateField):
    widget = DateInput


class MonthField(DateField):
    """A month (``2026-03``, the <input type=month> value); stored as its first day."""

    widget = django_forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d", "%Y/%m", "%Y年%m月"]


def only_choice(field: django_forms.Field):
    """The one value a required single choice allows, or None (several, none, optional, grouped)."""
    if not isinstance(field, django_forms.ChoiceField | django_forms.ModelChoiceField) or not field.required:
        return None
    if isinstance(field, django_forms.MultipleChoiceField | django_forms.ModelMultipleChoiceField):
        return None
    if isinstance(field, django_forms.ModelChoiceField):
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


class BoundField(django_forms.BoundField):
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
        if isinstance(self.field, django_forms.ModelChoiceField):
            self.field.empty_label = None
        else:
            self.field.choices = [(v, label) for v, label in self.field.choices if v not in ("", None)]
        return only


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = BoundField
