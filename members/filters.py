import django_filters
from django.db.models import Q

from core.filters import WithinOrgFilter
from members.models import Gender, Member, MemberStatus


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名或身份证号", method="filter_q")
    within = WithinOrgFilter(path_lookup="org__path")
    status = django_filters.ChoiceFilter(label="党员状态", choices=MemberStatus.choices, empty_label="全部")
    gender = django_filters.ChoiceFilter(label="性别", choices=Gender.choices, empty_label="全部")

    class Meta:
        model = Member
        fields = ["q", "within", "status", "gender"]

    def filter_q(self, queryset, name, value):
        """A name fragment, or an exact ID number through the blind index."""
        value = value.strip()[:50]
        if not value:
            return queryset
        if len(value) == 18 and value[:17].isdigit():
            return queryset.filter(id_number_index=Member.id_number_lookup(value))
        return queryset.filter(Q(name__contains=value))
