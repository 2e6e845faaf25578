"""Filters shared by every module's filter sets."""

from datetime import date, datetime, time, timedelta

import django_filters
from django.apps import apps
from django.utils import timezone

from core.access import TREES, subtree_q
from core.audit_labels import ACTION_LABELS
from core.dates import add_months
from core.forms import DateInput


class OrgFilterSetMixin:
    """Filter sets with an ``org`` filter (``orgs.filters.WithinOrgFilter``): ``within``, its name until the org parameter had one
    name, still works in old links and API calls (the tests and bookmarks use it)."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("within") and not data.get("org"):
            data = data.copy()
            data["org"] = data["within"]
        super().__init__(data, *args, **kwargs)


class MonthFilter(django_filters.CharFilter):
    """``?month=2026-03``: rows whose ``date_field`` falls in that month (the dashboards' monthly
    figures open their records with it); a malformed month matches nothing and says so."""

    def __init__(self, *args, date_field: str, **kwargs):
        self.date_field = date_field
        kwargs.setdefault("label", "月份（如 2026-03）")
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        try:
            year, month = value.split("-") if len(value) == 7 and value[4] == "-" else ("", "")
            first = date(int(year), int(month), 1)
        except ValueError:
            raise_invalid(self.parent, self.field_name, "月份格式应为“年-月”，如 2026-03")
            return qs.none()
        last = add_months(first, 1) - timedelta(days=1)
        return qs.filter(**{f"{self.date_field}__range": (first, last)})


def raise_invalid(filterset, field_name: str, message: str) -> None:
    """Record a filter error that the list page shows (django-filter has no hook for this).

    Filters run while django-filter iterates ``form.cleaned_data``; ``form.add_error`` would delete
    the field from that dict mid-iteration (RuntimeError, a 500), so the error goes straight into
    the form's error dict instead."""
    filterset.form.errors.setdefault(field_name, filterset.form.error_class()).append(message)


class AuditEntryFilterSet(django_filters.FilterSet):
    """The audit admin's filters: actor, object, org (with its subtree), action, result, time."""

    username = django_filters.CharFilter(label="操作人", lookup_expr="iexact")
    action = django_filters.ChoiceFilter(label="操作", choices=sorted(ACTION_LABELS.items()), empty_label="全部")
    object_type = django_filters.CharFilter(label="对象类型", lookup_expr="iexact")
    object_id = django_filters.CharFilter(label="对象ID", lookup_expr="exact")
    org = django_filters.CharFilter(label="党组织代码（含下级）", method="filter_org")
    result = django_filters.ChoiceFilter(
        label="结果", choices=[("success", "成功"), ("denied", "拒绝"), ("failure", "失败")], empty_label="全部"
    )
    since = django_filters.DateFilter(label="起始日期", method="filter_since",
                                      widget=DateInput())
    until = django_filters.DateFilter(label="截止日期", method="filter_until",
                                      widget=DateInput())

    class Meta:
        from core.models import AuditEntry as model  # noqa: N813

        fields = ["username", "action", "object_type", "object_id", "org", "result", "since", "until"]

    def filter_org(self, queryset, name, value):
        # The org tree's node model, as its owner registered it (core names no app).
        org = apps.get_model(TREES["org"].node_model).objects.filter(code=value.strip().upper()).only("path").first()
        if org is None:
            raise_invalid(self, "org", "组织代码不存在")
            return queryset.none()
        return queryset.filter(subtree_q("org_path", org.path))

    # Local (Asia/Shanghai) days as UTC ranges, so the index on `created` serves them.
    def filter_since(self, queryset, name, value):
        return queryset.filter(created__gte=_local_midnight(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created__lt=_local_midnight(value + timedelta(days=1)))


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))
