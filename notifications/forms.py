from django import forms

from core.forms import TextChecks
from notifications.models import Kind


class PreferencesForm(TextChecks, forms.Form):
    """Two boxes per kind of message: 站内 (in the platform) and 邮件 (email)."""

    def __init__(self, *args, current: list[tuple[str, str, bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label, in_platform, email in current:
            self.fields[f"{kind}__in_platform"] = forms.BooleanField(
                label=f"{label}：站内", required=False, initial=in_platform)
            self.fields[f"{kind}__email"] = forms.BooleanField(
                label=f"{label}：邮件", required=False, initial=email)

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {kind.value: (data[f"{kind.value}__in_platform"], data[f"{kind.value}__email"]) for kind in Kind}
