import django_filters

from community.models import CheckIn, CheckInState
from core.filters import OrgFilterSetMixin
from orgs.filters import WithinOrgFilter


class CheckInFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="党员姓名", field_name="member__name", lookup_expr="contains", max_length=50)
    state = django_filters.ChoiceFilter(label="状态", choices=CheckInState.choices, empty_label="全部")
    org = WithinOrgFilter(label="报到社区", path_lookup="community__path")
    unit = WithinOrgFilter(label="所在党组织", path_lookup="unit__path")

    class Meta:
        model = CheckIn
        fields = ["q", "state", "org", "unit"]
