import django_filters

from core.filters import OrgFilterSetMixin
from orgs.filters import WithinOrgFilter
from pledges.models import DutyPost, PostKind


class PostFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="岗位名称", field_name="name", lookup_expr="contains", max_length=50)
    kind = django_filters.ChoiceFilter(label="类别", choices=PostKind.choices, empty_label="全部")
    org = WithinOrgFilter(path_lookup="org__path")

    class Meta:
        model = DutyPost
        fields = ["q", "kind", "org"]
