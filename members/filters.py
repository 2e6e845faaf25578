import re

import django_filters
from django.db.models import Q

from core.filters import WithinOrgFilter, raise_invalid
from members.models import Gender, Member, MemberStatus

ID_LIKE = re.compile(r"\d{15}")


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名", method="filter_q")
    within = WithinOrgFilter(path_lookup="org__path")
    status = django_filters.ChoiceFilter(label="党员状态", choices=MemberStatus.choices, empty_label="全部")
    gender = django_filters.ChoiceFilter(label="性别", choices=Gender.choices, empty_label="全部")

    class Meta:
        model = Member
        fields = ["q", "within", "status", "gender"]

    def filter_q(self, queryset, name, value):
        """A name fragment. ID numbers are looked up by POST (members.views.member_lookup), so
        that they never stand in a URL, a browser history or an access log."""
        value = value.strip()[:50]
        if not value:
            return queryset
        if ID_LIKE.search(value):
            raise_invalid(self, "q", "身份证号请使用“按身份证号查找”，不要放在搜索框中")
            return queryset.none()
        return queryset.filter(Q(name__contains=value))
