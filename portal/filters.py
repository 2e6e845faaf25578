import django_filters
from django.db.models import Q

from portal.models import Article, ArticleState, Channel


class ArticleFilterSet(django_filters.FilterSet):
    """The editor list (and the editor API): title, state, channel with its descendants."""

    q = django_filters.CharFilter(label="标题", method="filter_q")
    state = django_filters.ChoiceFilter(label="状态", choices=ArticleState.choices, empty_label="全部")
    channel = django_filters.ModelChoiceFilter(label="栏目", queryset=Channel.objects.none(),
                                               method="filter_channel", empty_label="全部")

    class Meta:
        model = Article
        fields = ["q", "state", "channel"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["channel"].queryset = Channel.objects.visible_to(user, "edit")

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(Q(title__contains=value)) if value else queryset

    def filter_channel(self, queryset, name, value):
        return queryset.in_channel(value)
