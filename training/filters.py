import django_filters
from django import forms

from core.filters import OrgFilterSetMixin
from orgs.filters import WithinOrgFilter
from training.models import GroupStudy, GroupStudyKind, Target, TrainingClass


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class GroupStudyFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="学习主题", field_name="topic", lookup_expr="contains", max_length=50)
    kind = django_filters.ChoiceFilter(label="类别", choices=GroupStudyKind.choices, empty_label="全部")
    year = YearFilter(label="年度", field_name="held_on", lookup_expr="year", min_value=2000,
                                       max_value=2100)
    org = WithinOrgFilter(path_lookup="org__path")

    class Meta:
        model = GroupStudy
        fields = ["q", "kind", "year", "org"]


class ClassFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="培训班名称", field_name="title", lookup_expr="contains", max_length=50)
    target = django_filters.ChoiceFilter(label="培训对象", choices=Target.choices, empty_label="全部")
    org = WithinOrgFilter(path_lookup="org__path")

    class Meta:
        model = TrainingClass
        fields = ["q", "target", "org"]
