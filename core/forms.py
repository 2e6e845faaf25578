"""Django's forms, with every text field refusing control characters.

Apps write ``from core import forms`` where they would write ``from django import forms``: the
same names, except that ``forms.Form`` and ``forms.ModelForm`` check every text field
(``forms.CharField`` and its kinds) with ``core.text.NoControlCharacters`` — multi-line
(``Textarea``) fields keep tab and line breaks. A test fails on a project form that is not built
on them."""

from django import forms as django_forms
from django.core.validators import ProhibitNullCharactersValidator
from django.forms import *  # noqa: F403 — the rest of django.forms, unchanged

from core.text import NoControlCharacters


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
