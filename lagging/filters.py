import django_filters
from django.utils import timezone

from core.filters import OrgFilterSetMixin
from lagging.models import OPEN_STATES, CaseState, LaggingCase, ReasonCode, Source
from orgs.filters import WithinOrgFilter


class CaseFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """后进党组织整顿台账: by org (with its subtree), year, state, source, reason, overdue."""

    q = django_filters.CharFilter(label="党组织名称", field_name="org__name", lookup_expr="contains", max_length=50)
    year = django_filters.NumberFilter(label="年度", field_name="year", min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(label="状态", choices=CaseState.choices, empty_label="全部")
    source = django_filters.ChoiceFilter(label="来源", choices=Source.choices, empty_label="全部")
    reason = django_filters.ChoiceFilter(label="原因", choices=ReasonCode.choices, empty_label="全部",
                                         method="filter_reason")
    overdue = django_filters.ChoiceFilter(label="超期", choices=[("yes", "超过整顿时限"), ("no", "未超期")],
                                          empty_label="全部", method="filter_overdue")
    org = WithinOrgFilter(label="党组织（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = LaggingCase
        fields = ["q", "year", "state", "source", "reason", "overdue", "org"]

    def filter_reason(self, queryset, name, value):
        return queryset.filter(reasons__code=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        late = {"state__in": OPEN_STATES, "plan__deadline__lt": timezone.localdate()}
        if value == "yes":
            return queryset.filter(**late)
        return queryset.exclude(**late) if value == "no" else queryset
