import django_filters
from django.utils import timezone

from core.filters import OrgFilterSetMixin
from core.forms import DateInput
from orgs.filters import WithinOrgFilter
from orgs.models import Sector
from oversight.models import (
    OWED_STATES,
    QUARTERS,
    Bulletin,
    BulletinState,
    GuidancePlan,
    Inspection,
    InspectionKind,
    ItemState,
    RectificationItem,
    SupervisionTeam,
    Visit,
)


class ItemFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """The rectification ledger (整改台账): by problem text, state, overdue, escalated, org, deadline."""

    q = django_filters.CharFilter(label="问题", field_name="problem", lookup_expr="contains", max_length=50)
    state = django_filters.ChoiceFilter(label="状态", choices=ItemState.choices, empty_label="全部")
    open = django_filters.ChoiceFilter(label="销号", choices=[("yes", "未销号"), ("no", "已销号")], empty_label="全部",
                                       method="filter_open")
    overdue = django_filters.ChoiceFilter(label="超期", choices=[("yes", "超期未整改"), ("no", "未超期")],
                                          empty_label="全部", method="filter_overdue")
    escalated = django_filters.ChoiceFilter(label="督办", choices=[("yes", "已提级督办"), ("no", "未督办")],
                                            empty_label="全部", method="filter_escalated")
    org = WithinOrgFilter(label="整改单位（含下级，填代码）", path_lookup="org__path")
    inspection = django_filters.NumberFilter(label="巡查编号", field_name="inspection_id", min_value=1,
                                             max_value=2**62)
    deadline_from = django_filters.DateFilter(label="时限从", field_name="deadline", lookup_expr="gte",
                                              widget=DateInput())
    deadline_to = django_filters.DateFilter(label="至", field_name="deadline", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = RectificationItem
        fields = ["q", "state", "open", "overdue", "escalated", "org", "inspection", "deadline_from", "deadline_to"]

    def filter_open(self, queryset, name, value):
        if value == "yes":
            return queryset.exclude(state=ItemState.CLOSED)
        return queryset.filter(state=ItemState.CLOSED) if value == "no" else queryset

    def filter_overdue(self, queryset, name, value):
        late = {"state__in": OWED_STATES, "deadline__lt": timezone.localdate()}
        if value == "yes":
            return queryset.filter(**late)
        return queryset.exclude(**late) if value == "no" else queryset

    def filter_escalated(self, queryset, name, value):
        if value in ("yes", "no"):
            return queryset.filter(escalated_to__isnull=value == "no")
        return queryset


class InspectionFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="巡查名称", field_name="title", lookup_expr="contains", max_length=50)
    year = django_filters.NumberFilter(label="年度", field_name="year", min_value=2000, max_value=2100)
    kind = django_filters.ChoiceFilter(label="类型", choices=InspectionKind.choices, empty_label="全部")
    org = WithinOrgFilter(label="巡查单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = Inspection
        fields = ["q", "year", "kind", "org"]


class TeamFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="督导组", field_name="name", lookup_expr="contains", max_length=50)
    org = WithinOrgFilter(label="组建单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = SupervisionTeam
        fields = ["q", "org"]


class VisitFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    org = WithinOrgFilter(label="督导对象（含下级，填代码）", path_lookup="org__path")
    team = django_filters.NumberFilter(label="督导组编号", field_name="team_id", min_value=1, max_value=2**62)
    day_from = django_filters.DateFilter(label="日期从", field_name="day", lookup_expr="gte", widget=DateInput())
    day_to = django_filters.DateFilter(label="至", field_name="day", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = Visit
        fields = ["org", "team", "day_from", "day_to"]


class PlanFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    sector = django_filters.ChoiceFilter(label="领域", choices=Sector.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年度", field_name="year", min_value=2000, max_value=2100)
    org = WithinOrgFilter(label="制定单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = GuidancePlan
        fields = ["sector", "year", "org"]


class BulletinFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    quarter = django_filters.ChoiceFilter(label="季度", choices=QUARTERS, empty_label="全部")
    state = django_filters.ChoiceFilter(label="状态", choices=BulletinState.choices, empty_label="全部")
    org = WithinOrgFilter(label="通报单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = Bulletin
        fields = ["year", "quarter", "state", "org"]
