import django_filters
from django.utils import timezone

from care import selectors
from care.models import CareVisit, Occasion
from core.filters import MonthFilter, OrgFilterSetMixin
from members.filters import MemberFilterSet
from members.models import Member
from orgs.filters import WithinOrgFilter

VISITED_CHOICES = [("pending", "本年未走访"), ("visited", "本年已走访"), ("all", "全部")]


class FlaggedMemberFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """The list of members due care. Opens on those not yet visited this year."""

    q = django_filters.CharFilter(label="姓名（或拼音、首字母）", method="filter_q", max_length=50)
    org = WithinOrgFilter(path_lookup="org__path")
    reason = django_filters.ChoiceFilter(label="关怀原因", choices=selectors.reason_choices, empty_label="全部",
                                         method="filter_reason")
    visited = django_filters.ChoiceFilter(label="走访情况", choices=VISITED_CHOICES, empty_label=None,
                                          method="filter_visited")

    class Meta:
        model = Member
        fields = ["q", "org", "reason", "visited"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("visited"):
            data = data.copy()
            data["visited"] = "pending"
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        return MemberFilterSet.filter_q(self, queryset, name, value)

    def filter_reason(self, queryset, name, value):
        condition = selectors.reason_qs().get(value)
        return queryset.filter(condition) if condition is not None else queryset

    def filter_visited(self, queryset, name, value):
        seen = selectors.visited_in(timezone.localdate().year)
        if value == "pending":
            return queryset.filter(~seen)
        if value == "visited":
            return queryset.filter(seen)
        return queryset


class CareVisitFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="党员姓名", field_name="member__name", lookup_expr="contains", max_length=50)
    org = WithinOrgFilter(path_lookup="member__org__path")
    occasion = django_filters.ChoiceFilter(label="走访类型", choices=Occasion.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年度", method="filter_year", min_value=1900, max_value=2999)
    month = MonthFilter(date_field="visited", label="走访月份（如 2026-03）")  # the dashboards' monthly figures

    class Meta:
        model = CareVisit
        fields = ["q", "org", "occasion", "year", "month"]

    def filter_year(self, queryset, name, value):
        year = int(value)
        if not 1900 <= year <= 2999:
            return queryset.none()
        return queryset.filter(visited__range=selectors.year_range(year))
