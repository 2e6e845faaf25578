"""Filters shared by every module's filter sets."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from core.scoping import subtree_q


class WithinOrgFilter(django_filters.CharFilter):
    """Rows within an org's subtree. Takes the org's id or its code; orgs outside the user's scope
    are treated as unknown (the filter then matches nothing and says so)."""

    def __init__(self, *args, path_lookup: str, **kwargs):
        self.path_lookup = path_lookup
        kwargs.setdefault("label", "所属组织（含下级，填代码）")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        from orgs.models import Org

        request = getattr(self.parent, "request", None)
        visible = Org.objects.visible_to(getattr(request, "user", None))
        org = visible.filter(pk=int(value)).first() if value.isdigit() and len(value) < 18 else None
        org = org or visible.filter(code=value.upper()).first()
        if org is None:
            raise_invalid(self.parent, self.field_name, "组织不存在或不在您的管理范围内")
            return qs.none()
        return qs.filter(subtree_q(self.path_lookup, org.path))


def raise_invalid(filterset, field_name: str, message: str) -> None:
    """Record a filter error that the list page shows (django-filter has no hook for this).

    Filters run while django-filter iterates ``form.cleaned_data``; ``form.add_error`` would delete
    the field from that dict mid-iteration (RuntimeError, a 500), so the error goes straight into
    the form's error dict instead."""
    filterset.form.errors.setdefault(field_name, filterset.form.error_class()).append(message)


class AuditEntryFilterSet(django_filters.FilterSet):
    """The audit admin's filters: actor, object, org, action, time."""

    username = django_filters.CharFilter(label="操作人", lookup_expr="iexact")
    action = django_filters.CharFilter(label="操作", lookup_expr="startswith")
    object_type = django_filters.CharFilter(label="对象类型", lookup_expr="iexact")
    object_id = django_filters.CharFilter(label="对象ID", lookup_expr="exact")
    org_id = django_filters.NumberFilter(label="党组织ID")
    result = django_filters.ChoiceFilter(label="结果", choices=[("success", "成功"), ("denied", "拒绝"), ("failure", "失败")], empty_label="全部")
    since = django_filters.DateFilter(label="起始日期", field_name="created", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label="截止日期", field_name="created", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        from core.models import AuditEntry as model  # noqa: N813

        fields = ["username", "action", "object_type", "object_id", "org_id", "result", "since", "until"]
