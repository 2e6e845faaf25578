"""What every API router shares: paging, the filter-set helper, the message schema and the answer
to a refusal. The routers live in their apps (``<app>/api.py``); ``dangjian/api.py`` builds the
NinjaAPI and mounts them, so nothing here imports it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from ninja import Field, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

from core import text


class Pagination(LimitOffsetPagination):
    """Every list's paging: page size capped (reliability.md L3), offset bounded.

    django-ninja's LimitOffsetPagination caps ``limit`` only through NINJA_PAGINATION_MAX_LIMIT
    (not the NINJA_PAGINATION_MAX_PER_PAGE_SIZE the settings define) and leaves ``offset``
    unbounded: any limit served a city-wide list in one answer, and an offset beyond 64 bits
    reached the database and came back as a server error."""

    MAX_PAGE_SIZE = getattr(settings, "NINJA_PAGINATION_MAX_PER_PAGE_SIZE", 200)

    class Input(Schema):
        limit: int = Field(getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50), ge=1,
                           description="每页条数（超过上限按上限返回）")
        offset: int = Field(0, ge=0, le=2**62)

    def __init__(self, **kwargs):
        super().__init__(max_limit=self.MAX_PAGE_SIZE, **kwargs)


class Message(Schema):
    detail: str


class TextParser(Parser):
    """The API's edge for text: a JSON body, form field or query parameter whose text holds a
    control character is refused (422, naming the field) before any schema sees it. The parser
    cannot tell a name from a note, so tab and line breaks pass here (multi-line fields need them;
    no export chokes on them); ``core.forms`` refuses them in single-line form fields."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_control_characters(data, "")
        return data  # a refusal surfaces as ninja's HttpError(400) caused by it: see dangjian.api

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_control_characters(result, "")
        return result


def _refuse_control_characters(value, path: str) -> None:
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        character = text.invalid_character(value) if isinstance(value, str) else None
        if character is not None:
            name = path or "请求体"
            raise ValidationError({name: f"“{name}”{text.refusal(character)}"})
        return
    for key, item in items:
        _refuse_control_characters(key, path)
        _refuse_control_characters(item, f"{path}.{key}" if path else str(key))


class OfMemberOut(Schema):
    """The fields of a row that belongs to a member (a visit, a certificate): who, and in which
    org; never the member's numbers."""

    member_id: int
    member_name: str
    org_name: str

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_org_name(obj):
        return obj.member.org.name


def filtered(filterset_class, request, queryset, filters: Schema):
    """The page's filter set applied to an API list; its errors answer 422 like bad parameters."""
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise NinjaValidationError([{"loc": ["query", k], "msg": "；".join(v)} for k, v in filterset.errors.items()])
    qs = filterset.qs
    if filterset.form.errors:
        raise NinjaValidationError([{"loc": ["query", k], "msg": "；".join(v)} for k, v in filterset.form.errors.items()])
    return qs


def refused(exc: ValidationError):
    """A service said no: 422 with its Chinese message."""
    return Status(422, {"detail": "；".join(exc.messages)})
