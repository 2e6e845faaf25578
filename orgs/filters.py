import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q

from core.access import subtree_q
from core.errors import NotFound, refusal_text
from core.filters import OrgFilterSetMixin, raise_invalid
from orgs.models import Org, OrgKind, OrgLevel, Sector
from orgs.selectors import org_param


class WithinOrgFilter(django_filters.CharFilter):
    """The ``org`` filter: rows within the subtree of an org, named by id or code
    (``orgs.selectors.org_param``, among the orgs the user sees). An org that is unknown or outside
    the user's scope is treated alike: the filter matches nothing and says so."""

    def __init__(self, *args, path_lookup: str, **kwargs):
        self.path_lookup = path_lookup
        kwargs.setdefault("label", "所属组织（含下级，填代码）")
        kwargs.setdefault("max_length", 32)  # an org code's length (Org.code)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        request = getattr(self.parent, "request", None)
        try:
            org = org_param(getattr(request, "user", None), value)
        except (NotFound, ValidationError) as exc:
            message = "组织不存在或不在您的管理范围内" if isinstance(exc, NotFound) else refusal_text(exc)
            raise_invalid(self.parent, self.field_name, message)
            return qs.none()
        return qs if org is None else qs.filter(subtree_q(self.path_lookup, org.path))


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
