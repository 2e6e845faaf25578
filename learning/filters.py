import django_filters

from core.filters import OrgFilterSetMixin
from learning.models import Course, TargetGroup
from orgs.filters import WithinOrgFilter


class CourseFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="课程名称", field_name="title", lookup_expr="contains", max_length=50)
    required_for = django_filters.ChoiceFilter(label="必学对象", choices=TargetGroup.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="必学年度", min_value=2000, max_value=2100)
    published = django_filters.BooleanFilter(label="已发布")
    org = WithinOrgFilter(path_lookup="org__path")

    class Meta:
        model = Course
        fields = ["q", "required_for", "year", "published", "org"]
