"""What every API router shares: paging, the ids and the request and response schemas derived
from the models and the filter sets, the message schema and the answer to a refusal. The routers
live in their apps (``<app>/api.py``) and import selectors and services, never views or forms;
``dangjian/api.py`` builds the NinjaAPI and mounts them, so nothing here imports it.

Why schemas are derived here rather than with ninja's ``ModelSchema``: ninja turns a field with
choices into a plain string (a meeting kind outside the kinds reached the service and came back
as a 500), leaves integers unbounded (an id beyond 64 bits overflowed SQLite) and makes every
blank field nullable (a ``null`` would reach a NOT NULL column). ``model_in`` gives every field
the model's own bounds — its choices as an enum, its length, the integer range of its column —
so bad input is refused by the schema, with the 422 answer, before any query runs."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

import django_filters
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.query import ModelIterable
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema, create_model

from core import keyset, text
from core.errors import NotFound
from core.filters import OrgFilterSetMixin

# The largest id a BigAutoField holds: anything above it cannot name a row, and SQLite refuses to
# bind it (OverflowError) rather than finding nothing.
ID_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def _names_a_row(value: int) -> int:
    """An id in the address names a row or nothing: beyond the range it is not found (404, as
    any id no row has), before any query. Django answers an out-of-range integer with no rows
    for a primary key, but a foreign key (``member_id=``) reached SQLite and overflowed (500)."""
    if not 1 <= value <= ID_MAX:
        raise NotFound
    return value


PathId = Annotated[int, AfterValidator(_names_a_row),
                   WithJsonSchema({"type": "integer", "minimum": 1, "maximum": ID_MAX, "example": 1})]


# The years a date of the platform falls in (births from 1900, the plans of the years to come).
# Beyond them date arithmetic overflows (a notice counted in working days from 9999-12-31) and
# nothing real is dated there.
YEARS = (1900, 2100)


def _within_years(value):
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(f"年份须在 {YEARS[0]} 至 {YEARS[1]} 之间")
    return value


def _written_as_text(value):
    """A date is written "2020-07-01": pydantic would also read a number as seconds since 1970
    (0 as 1970-01-01), a date no client means."""
    if isinstance(value, (int, float)):
        raise ValueError("应为日期，格式如 2020-07-01")
    return value


Day = Annotated[date, BeforeValidator(_written_as_text), AfterValidator(_within_years)]
Moment = Annotated[datetime, BeforeValidator(_written_as_text), AfterValidator(_within_years)]


def _local_time(value):
    if value.tzinfo is not None:  # a time of day is local (Asia/Shanghai); the column holds no offset
        raise ValueError("时间不带时区，格式如 09:30")
    return value


# A time of day as the API writes it ("09:00:00") and takes it ("09:30", "09:30:00"): JSON
# Schema's "time" format is RFC 3339's, which requires an offset, so it is documented by pattern.
CLOCK_SCHEMA = {"type": "string", "maxLength": 15, "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
                "example": "09:30:00"}
Clock = Annotated[time, AfterValidator(_local_time), WithJsonSchema(CLOCK_SCHEMA)]


MAX_PAGE_SIZE = getattr(settings, "NINJA_PAGINATION_MAX_PER_PAGE_SIZE", 200)


def _at_most_a_page(value):
    """A larger page size is served at the cap (documented as the maximum), not refused."""
    try:
        return min(int(value), MAX_PAGE_SIZE)
    except (TypeError, ValueError):
        return value  # not a number: the schema refuses it


class Pagination(LimitOffsetPagination):
    """Every list's paging: page size capped (reliability.md L3), offset bounded, and a cursor.

    django-ninja's LimitOffsetPagination caps ``limit`` only through NINJA_PAGINATION_MAX_LIMIT
    (not the NINJA_PAGINATION_MAX_PER_PAGE_SIZE the settings define) and leaves ``offset``
    unbounded: any limit served a city-wide list in one answer, and an offset beyond 64 bits
    reached the database and came back as a server error.

    ``next`` (issue 12.2) is a signed cursor naming the position after the page's last row
    (core.keyset); sent back as ``cursor``, the next page is found by the index, not by skipping
    ``offset`` rows, and the total it carries is not counted again. ``next`` is null on the last
    page, and on a list whose order a cursor cannot page (then ``offset`` pages it)."""

    MAX_PAGE_SIZE = MAX_PAGE_SIZE

    class Input(Schema):
        limit: Annotated[int, BeforeValidator(_at_most_a_page)] = Field(
            getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50), ge=1, le=MAX_PAGE_SIZE,
            description="每页条数（超过上限按上限返回）")
        offset: int = Field(0, ge=0, le=2**62, description="跳过的条数（按游标翻页时不用）")
        cursor: str | None = Field(None, max_length=2000,
                                   description="上一页返回的 next：从该位置继续翻页（不再计数、不跳过行）")

    class Output(Schema):
        items: list[Any]
        count: int
        next: str | None = Field(None, description="下一页的游标，作为 cursor 参数传回；已是最后一页时为 null")

    def __init__(self, **kwargs):
        super().__init__(max_limit=self.MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit = min(pagination.limit, self.max_limit)
        keys = None
        if isinstance(queryset, models.QuerySet) and queryset._iterable_class is ModelIterable:
            keys = keyset.order_of(queryset)
        cursor = self._cursor(pagination.cursor, request, keys) if pagination.cursor else None
        if keys is None:
            return {"items": queryset[pagination.offset:pagination.offset + limit],
                    "count": self._items_count(queryset), "next": None}
        if cursor is not None:
            rows, more = keyset.page_rows(queryset, keys, cursor, limit)
        else:
            rows = list(keyset.ordered(queryset, keys)[pagination.offset:pagination.offset + limit + 1])
            more, rows = len(rows) > limit, rows[:limit]
        if cursor is not None and cursor.count is not None:
            count = cursor.count  # counted on the first page: not again
        else:
            count = self._items_count(queryset)
        following = None
        if more and rows:
            values = keyset.values_at(queryset, keys, [rows[-1].pk])[rows[-1].pk]
            following = keyset.encode(request.path, keys, keyset.Cursor(values=values, count=count))
        return {"items": rows, "count": count, "next": following}

    @staticmethod
    def _cursor(token: str, request, keys) -> keyset.Cursor:
        def refused(message: str):
            return NinjaValidationError([{"loc": ("query", "cursor"), "msg": message, "type": "cursor"}])

        if keys is None:
            raise refused("该列表不能按游标翻页，请用 offset")
        try:
            cursor = keyset.decode(token, request.path, keys)
        except keyset.BadCursor:
            raise refused(keyset.BadCursor.message) from None
        if cursor.backwards or cursor.values is None:
            raise refused(keyset.BadCursor.message)
        return cursor

    def _items_count(self, queryset) -> int:
        """A list whose total a summary table knows sets ``queryset.known_count`` (a number, or a
        function giving it or None, called only when the total is needed): no COUNT."""
        known = getattr(queryset, "known_count", None)
        if callable(known):
            known = known()
        return known if known is not None else super()._items_count(queryset)


# --- answers -------------------------------------------------------------------------------------

class Message(Schema):
    """The answer of every refusal but a bad input: 401, 403, 404."""

    detail: str


class FieldError(Schema):
    loc: list[str | int] = Field(..., description="出错的位置：body / query / path / form，再接字段名")
    msg: str = Field(..., description="中文说明")
    type: str | None = None


class Invalid(Schema):
    """The answer to bad input (422): a Chinese summary and the error of each field."""

    detail: str
    errors: list[FieldError] = []


def download(description: str, kinds: Iterable[str]) -> dict:
    """The ``openapi_extra`` of an operation that answers a file: its 200 with each content type
    the file may have (core.files.CONTENT_TYPES), so a client knows what it receives."""
    from core.files import CONTENT_TYPES

    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description,
                                "content": {CONTENT_TYPES[kind]: binary for kind in kinds}}}}


# What an operation that writes through a service answers besides success; ``dangjian.api`` turns
# the services' ValidationError and PermissionDenied into these (``refusal`` below).
REFUSED = {403: Message, 404: Message, 422: Invalid}


def refusal(exc: ValidationError) -> dict:
    """A service said no: its Chinese messages, field by field when it named the fields."""
    if hasattr(exc, "error_dict"):
        errors = [{"loc": ["body", field], "msg": "；".join(messages)} for field, messages in exc.message_dict.items()]
    else:
        errors = [{"loc": ["body"], "msg": "；".join(exc.messages)}]
    return {"detail": "；".join(exc.messages), "errors": errors}


INVALID_INPUT = "请求参数有误"

# Pydantic's error types in Chinese; the field is named before them.
ERROR_MESSAGES = {
    "missing": "必须填写",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "literal_error": "不是可选值（可选：{expected}）",
    "enum": "不是可选值（可选：{expected}）",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "须大于 {gt}",
    "less_than": "须小于 {lt}",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "最多 {max_digits} 位数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分位数过多",
    "date_parsing": "应为日期，格式如 2020-07-01",
    "date_from_datetime_parsing": "应为日期，格式如 2020-07-01",
    "date_from_datetime_inexact": "应为日期，格式如 2020-07-01",
    "date_type": "应为日期，格式如 2020-07-01",
    "datetime_parsing": "应为日期时间，格式如 2020-07-01T09:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，格式如 2020-07-01T09:00:00+08:00",
    "datetime_type": "应为日期时间，格式如 2020-07-01T09:00:00+08:00",
    "time_parsing": "应为时间，格式如 09:30",
    "time_type": "应为时间，格式如 09:30",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "value_error": "{error}",
}


def invalid(errors: Iterable[dict]) -> dict:
    """The 422 answer to input the schemas refused (ninja's errors, pydantic's English messages
    put into Chinese)."""
    return {"detail": INVALID_INPUT, "errors": [_in_chinese(error) for error in errors]}


def _in_chinese(error: dict) -> dict:
    loc = [str(part) if not isinstance(part, int) else part for part in error.get("loc", ())]
    path = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]  # after "body" the parameter's name
    name = ".".join(str(part) for part in path) or (loc[0] if loc else "请求")
    context = {key: str(value).replace(" or ", ", ") for key, value in (error.get("ctx") or {}).items()}
    template = ERROR_MESSAGES.get(error.get("type", ""))
    try:
        reason = template.format(**context) if template else error.get("msg") or "格式不正确"
    except (KeyError, IndexError):
        reason = "格式不正确"
    if not template and not _has_chinese(reason):
        reason = "格式不正确"
    return {"loc": loc, "msg": f"“{name}”{reason}", "type": error.get("type")}


def _has_chinese(message: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in message)


# --- schemas derived from the models ------------------------------------------------------------------

INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges  # the portable column ranges
NEVER_SHOWN = ("_cipher", "_index")  # ProtectedNumbers: only the masked copy ever leaves


Fields = Sequence[str | tuple[str, str]]  # a model field, or (the API's name, the model field)


def model_in(name: str, model: type[models.Model], fields: Fields, *, base: type[Schema] = Schema,
             partial: bool = False, required: Sequence[str] = (), extra: dict[str, dict] | None = None,
             ) -> type[Schema]:
    """A request schema of ``model``'s ``fields`` (named as the API spells them: ``org_id`` for a
    foreign key, or ``("note", "decision_note")``), each bounded as the model bounds it: choices
    as an enum, text at the column's length, integers within the column's range, ids from 1 to
    ``ID_MAX``.

    Required, defaulted and optional follow the model (its default, ``null``, or ``blank`` text
    defaulting to ""). ``partial`` (a PATCH): nothing is required, an unsent field stays unsent
    (``payload.dict(exclude_unset=True)``), and ``null`` is taken only where the model takes it.
    ``required``: fields the operation needs though the model may leave them empty (a reason to
    return a letter). ``extra`` gives a field what the model does not state — a TextField's length,
    a tighter range, a description. Fields the model does not hold (an id list, the numbers kept as
    cipher) go on ``base``."""
    extra = extra or {}
    definitions = {}
    for api_name, field_name in _named(fields):
        definitions[api_name] = _request_field(model, field_name, partial=partial, required=api_name in required,
                                               **extra.get(api_name, {}))
    return create_model(name, __base__=base, __module__=base.__module__, **definitions)


def model_out(name: str, model: type[models.Model], fields: Fields, *, base: type[Schema] = Schema) -> type[Schema]:
    """A response schema of ``model``'s ``fields``: their types and nullability, with the choices
    documented (not enforced: an answer never fails on a row written before a choice was
    removed). Computed fields and their resolvers go on ``base``."""
    definitions = {api_name: _response_field(model, field_name) for api_name, field_name in _named(fields)}
    return create_model(name, __base__=base, __module__=base.__module__, **definitions)


def _named(fields: Fields) -> list[tuple[str, str]]:
    return [(field, field) if isinstance(field, str) else field for field in fields]


def _model_field(model, name: str) -> models.Field:
    if name.endswith(NEVER_SHOWN):
        raise ImproperlyConfigured(f"{model.__name__}.{name}: cipher and blind-index fields never enter the API")
    return model._meta.get_field(name)  # also finds a foreign key by its attname (org_id)


def _request_field(model, name: str, *, partial: bool, required: bool, description: str | None = None,
                   **extra) -> tuple:
    field = _model_field(model, name)
    annotation, bounds, described = _typed(field)
    bounds = {**bounds, **extra}
    if annotation is str and not bounds.get("max_length"):
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no length: give it one in extra")
    annotation = {date: Day, datetime: Moment, time: Clock}.get(annotation, annotation)
    if annotation is Decimal:  # documented as the number it is (pydantic adds an unbounded string)
        number = {"type": "number", "minimum": float(bounds["ge"]), "maximum": float(bounds["le"])}
        annotation = Annotated[Decimal, Field(**bounds), WithJsonSchema(number)]
    elif bounds:
        annotation = Annotated[annotation, Field(**bounds)]
    if field.null and not required:
        annotation = annotation | None
    if required:
        default: Any = ...
    elif partial:
        default = None
    elif field.has_default() and not callable(field.default):
        default = field.default
    elif field.null:
        default = None
    elif field.blank and isinstance(field, (models.CharField, models.TextField)):
        default = ""
    else:
        default = ...
    return annotation, Field(default, title=str(field.verbose_name), description=description or described)


def _response_field(model, name: str) -> tuple:
    field = _model_field(model, name)
    annotation, _bounds, description = _typed(field)
    schema_extra = None
    if field.choices:
        annotation = type(field.flatchoices[0][0]) if field.flatchoices else str
        schema_extra = {"enum": _choice_values(field)}
    elif annotation is time:
        annotation = Annotated[time, WithJsonSchema(CLOCK_SCHEMA)]
    if field.null:
        annotation = annotation | None
    return annotation, Field(..., title=str(field.verbose_name), description=description,
                             json_schema_extra=schema_extra)


def _choice_values(field) -> list:
    values = [value for value, _label in field.flatchoices]
    if field.blank and "" not in values and isinstance(field, models.CharField):
        values.append("")
    return values


def _typed(field) -> tuple[Any, dict, str | None]:
    """The Python type of a model field, the bounds the model sets on it, and its description."""
    description = str(field.help_text) or None
    if field.is_relation:
        return int, {"ge": 1, "le": ID_MAX}, description
    if field.choices:
        listing = " / ".join(f"{value} {label}" for value, label in field.flatchoices)
        return Literal[tuple(_choice_values(field))], {}, "；".join(filter(None, [description, listing]))
    if isinstance(field, (models.CharField, models.TextField)):
        return str, {"max_length": field.max_length}, description
    if isinstance(field, models.IntegerField):  # every integer column, auto ids included
        low, high = INTEGER_RANGES[field.get_internal_type()]
        for validator in field._validators:
            if isinstance(validator, MinValueValidator):
                low = max(low, validator.limit_value)
            elif isinstance(validator, MaxValueValidator):
                high = min(high, validator.limit_value)
        return int, {"ge": low, "le": high}, description
    if isinstance(field, models.DecimalField):
        largest = Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(10) ** -field.decimal_places
        return Decimal, {"max_digits": field.max_digits, "decimal_places": field.decimal_places,
                         "ge": -largest, "le": largest}, description
    for kind, python_type in ((models.DateTimeField, datetime), (models.DateField, date),
                              (models.TimeField, time), (models.BooleanField, bool)):
        if isinstance(field, kind):
            return python_type, {}, description
    raise ImproperlyConfigured(f"{field.model.__name__}.{field.name}: no API type for {type(field).__name__}")


# --- query schemas derived from the filter sets -------------------------------------------------------

def filters_in(name: str, filterset: type[django_filters.FilterSet], *, fields: Sequence[str] | None = None,
               defaults: dict | None = None) -> type[Schema]:
    """The query schema of a list: the filters of the page's filter set (all, or ``fields``), so
    that the page and the API filter by one definition; ``filtered`` then applies the set itself.
    Choices become an enum, text its ``max_length``, numbers their ``min_value``/``max_value``."""
    defaults = defaults or {}
    definitions = {field: _filter_field(filterset, field, defaults.get(field))
                   for field in (fields or filterset.base_filters)}
    if issubclass(filterset, OrgFilterSetMixin) and "org" in definitions:
        # ``within``, the org parameter's old name, still filters (the filter set takes it as org).
        annotation, _field = definitions["org"]
        definitions["within"] = (annotation, Field(None, deprecated=True, description="org 的旧名"))
    return create_model(name, __base__=Schema, __module__=filterset.__module__, **definitions)


def _filter_field(filterset, name: str, default) -> tuple:
    declared = filterset.base_filters[name]
    extra = declared.extra
    notes = [str(declared.label or name)]
    if isinstance(declared, django_filters.ChoiceFilter):
        choices = extra["choices"]() if callable(extra["choices"]) else extra["choices"]
        annotation: Any = Literal[tuple(str(value) for value, _label in choices)]
        notes.append(" / ".join(f"{value} {label}" for value, label in choices))
        if extra.get("empty_label"):
            notes.append(f"不填：{extra['empty_label']}")
        bounds: dict = {}
    elif isinstance(declared, django_filters.NumberFilter):
        annotation, bounds = int, {"ge": extra.get("min_value"), "le": extra.get("max_value")}
    elif isinstance(declared, django_filters.DateFilter):
        annotation, bounds = Day, {}
    elif isinstance(declared, django_filters.CharFilter):
        annotation, bounds = str, {"max_length": extra.get("max_length")}
    else:
        raise ImproperlyConfigured(f"{filterset.__name__}.{name}: no API type for {type(declared).__name__}")
    if None in bounds.values():
        raise ImproperlyConfigured(f"{filterset.__name__}.{name}: give the filter its bounds ({', '.join(bounds)})")
    if bounds:
        annotation = Annotated[annotation, Field(**bounds)]
    return annotation | None, Field(default, description="；".join(notes))


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


# --- the parser -------------------------------------------------------------------------------------

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


# --- shared response fields ---------------------------------------------------------------------------

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
