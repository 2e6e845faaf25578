import django_filters

from core.filters import OrgFilterSetMixin
from fivegood.models import (
    Assessment,
    AssessmentState,
    Exemplar,
    ExemplarState,
    Grade,
    SetState,
    StandardSet,
)
from orgs.filters import WithinOrgFilter
from orgs.models import Sector


class StandardFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="标准名称", field_name="title", lookup_expr="contains", max_length=50)
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    sector = django_filters.ChoiceFilter(label="领域", choices=Sector.choices, empty_label="全部")
    state = django_filters.ChoiceFilter(label="状态", choices=SetState.choices, empty_label="全部")
    org = WithinOrgFilter(label="制定单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = StandardSet
        fields = ["q", "year", "sector", "state", "org"]


class AssessmentFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """五好党支部考评: by year, branch (with the subtree), state, grade."""

    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(label="状态", choices=AssessmentState.choices, empty_label="全部")
    grade = django_filters.ChoiceFilter(label="等次", choices=Grade.choices, empty_label="全部")
    org = WithinOrgFilter(label="党组织（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = Assessment
        fields = ["year", "state", "grade", "org"]


class ExemplarFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度", min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(label="状态", choices=ExemplarState.choices, empty_label="全部")
    org = WithinOrgFilter(label="党组织（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = Exemplar
        fields = ["year", "state", "org"]
