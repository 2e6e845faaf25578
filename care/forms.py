from django.utils import timezone

from care import selectors
from care.models import Occasion
from core import forms


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.org.name}）"


class CareVisitEditForm(forms.Form):
    """A visit's own fields: correcting a recorded visit (the member fixed)."""

    visited = forms.DateField(label="走访日期")
    occasion = forms.ChoiceField(label="走访类型", choices=Occasion.choices, initial=Occasion.DAILY)
    visitors = forms.CharField(label="走访人", max_length=100, help_text="多人用顿号分隔")
    gifts = forms.CharField(label="慰问内容", max_length=200, required=False, help_text="如：米、油、慰问信")
    amount = forms.DecimalField(label="慰问金（元）", max_digits=10, decimal_places=2, min_value=0, required=False)
    note = forms.CharField(label="备注", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)


class CareVisitForm(CareVisitEditForm):
    """Recording a visit: the member to choose, then the visit's fields."""

    member = MemberChoiceField(label="走访对象", queryset=None,
                               help_text="列出您管理范围内的关怀对象；其他党员请从其关怀记录页登记")
    field_order = ["member"]

    def __init__(self, *args, user, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The dropdown goes through the same scope as every other read.
        self.fields["member"].queryset = selectors.visit_candidates(
            user, include=member.pk if member is not None else None)
        if member is not None:
            self.fields["member"].initial = member.pk
        self.fields["visited"].initial = timezone.localdate()
