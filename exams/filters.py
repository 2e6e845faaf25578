import django_filters

from core.filters import OrgFilterSetMixin
from exams.models import Question, QuestionKind
from orgs.filters import WithinOrgFilter


class QuestionFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="题干", field_name="text", lookup_expr="contains", max_length=50)
    topic = django_filters.CharFilter(label="专题", max_length=50)
    kind = django_filters.ChoiceFilter(label="题型", choices=QuestionKind.choices, empty_label="全部")
    org = WithinOrgFilter(path_lookup="org__path")

    class Meta:
        model = Question
        fields = ["q", "topic", "kind", "org"]
