import re
import unicodedata

import django_filters
from django.db.models import Q

from core.filters import OrgFilterSetMixin, raise_invalid
from members.models import ACTIVE_LABEL, Education, Gender, Member, MemberCategory, MemberStatus
from orgs.filters import WithinOrgFilter

ID_LIKE = re.compile(r"\d{15}")
LATIN_QUERY = re.compile(r"[a-z]+")
ALL_ARCHIVES = "all"
NOT_FILLED = "未填写"  # the education or occupation filter's value for an empty field


def prefix_q(field: str, prefix: str, max_length: int) -> Q:
    """Rows whose lower-case-letter ``field`` starts with ``prefix``, as an index range (like
    core.access.subtree_q): both databases seek it, where a LIKE prefix would need special
    collations or operator classes."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lte": prefix + "z" * (max_length - len(prefix))})


class MemberFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名（或拼音、首字母）", method="filter_q", max_length=50)
    org = WithinOrgFilter(path_lookup="org__path")
    # Unset, the list holds what every member figure counts (Member.objects.active()), so its
    # total agrees with the home page and the org tree; "all" shows every archive.
    status = django_filters.ChoiceFilter(
        label="党员状态", choices=[(ALL_ARCHIVES, "全部档案（含出党、死亡、已转出等）"), *MemberStatus.choices],
        empty_label=ACTIVE_LABEL, method="filter_status")
    gender = django_filters.ChoiceFilter(label="性别", choices=Gender.choices, empty_label="全部")
    category = django_filters.ChoiceFilter(label="人员类别", choices=MemberCategory.choices, empty_label="全部")
    # The dashboards' figures open the list through these (insights.dashboards): a value as the
    # member profile summary counts it, years as whole calendar years.
    education = django_filters.ChoiceFilter(label="学历", choices=[*Education.choices, (NOT_FILLED, "未填写")],
                                            empty_label="全部", method="filter_blankable")
    occupation = django_filters.CharFilter(label="职业（完整填写）", max_length=50, method="filter_blankable")
    born_from = django_filters.NumberFilter(label="出生年份自", field_name="birth_date", lookup_expr="year__gte",
                                            min_value=1900, max_value=2100)
    born_to = django_filters.NumberFilter(label="出生年份至", field_name="birth_date", lookup_expr="year__lte",
                                          min_value=1900, max_value=2100)
    joined_from = django_filters.NumberFilter(label="入党年份自", field_name="joined", lookup_expr="year__gte",
                                              min_value=1900, max_value=2100)
    joined_to = django_filters.NumberFilter(label="入党年份至", field_name="joined", lookup_expr="year__lte",
                                            min_value=1900, max_value=2100)

    class Meta:
        model = Member
        fields = ["q", "org", "status", "gender", "category", "education", "occupation", "born_from", "born_to",
                  "joined_from", "joined_to"]

    def filter_blankable(self, queryset, name, value):
        """A value, or 未填写 (``NOT_FILLED``) for the members with none."""
        value = value.strip()
        return queryset.filter(**{name: "" if value == NOT_FILLED else value}) if value else queryset

    @property
    def qs(self):
        queryset = super().qs
        return queryset if getattr(self.form, "cleaned_data", {}).get("status") else queryset.active()

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL_ARCHIVES else queryset.filter(status=value)

    def filter_q(self, queryset, name, value):
        """A name fragment, or Latin letters: the start of the name's pinyin initials or full
        pinyin. ID numbers are looked up by POST (members.views.member_lookup), so that they never
        stand in a URL, a browser history or an access log."""
        value = value.strip()[:50]
        if not value:
            return queryset
        if ID_LIKE.search(value):
            raise_invalid(self, "q", "身份证号请使用“按身份证号查找”，不要放在搜索框中")
            return queryset.none()
        latin = unicodedata.normalize("NFKC", value).lower().replace(" ", "")
        if LATIN_QUERY.fullmatch(latin):
            # 张秀英 is found by "zxy", "zx", "zhangxiuying", "zhangx" (members.pinyin).
            return queryset.filter(prefix_q("name_initials", latin, 50) | prefix_q("name_pinyin", latin, 300))
        return queryset.filter(Q(name__contains=value))
