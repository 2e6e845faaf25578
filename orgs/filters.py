import django_filters
from django.db.models import Q

from core.filters import OrgFilterSetMixin, WithinOrgFilter
from orgs.models import Org, OrgKind, OrgLevel, Sector


class OrgFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称或代码", method="filter_q", max_length=50)
    org = WithinOrgFilter(path_lookup="path")
    kind = django_filters.ChoiceFilter(label="组织类别", choices=OrgKind.choices, empty_label="全部")
    sector = django_filters.ChoiceFilter(label="领域", choices=Sector.choices, empty_label="全部")
    level = django_filters.ChoiceFilter(label="层级", choices=OrgLevel.choices, empty_label="全部")

    class Meta:
        model = Org
        fields = ["q", "org", "kind", "sector", "level"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value)) if value else queryset
