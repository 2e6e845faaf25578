"""Password validators beyond Django's: composition (MLPS level 3), maximum length, history."""

import re

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from accounts.models import PasswordHistory

MAX_LENGTH = 128
_CLASSES = (
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"\d"), "数字"),
    (re.compile(r"[^A-Za-z0-9]"), "特殊字符"),
)


class ComplexityValidator:
    """At least three of: lowercase, uppercase, digits, other characters."""

    def validate(self, password, user=None):
        present = sum(1 for pattern, _ in _CLASSES if pattern.search(password))
        if present < 3:
            raise ValidationError(
                "密码须至少包含大写字母、小写字母、数字、特殊字符中的三类", code="password_too_simple"
            )

    def get_help_text(self):
        return "密码须至少包含大写字母、小写字母、数字、特殊字符中的三类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a Chinese message: Django 5.2 changed the message's msgid and its zh_Hans
    catalogue still has the old one, so users would read English."""

    def get_error_message(self):
        return f"密码长度太短，至少需要 {self.min_length} 个字符"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class MaximumLengthValidator:
    """Long passphrases are welcome, up to a bound that keeps hashing cheap."""

    def validate(self, password, user=None):
        if len(password) > MAX_LENGTH:
            raise ValidationError(f"密码最长 {MAX_LENGTH} 个字符", code="password_too_long")

    def get_help_text(self):
        return f"密码最长 {MAX_LENGTH} 个字符。"


class HistoryValidator:
    """None of the last PASSWORD_HISTORY_COUNT passwords may be reused."""

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        count = settings.PASSWORD_HISTORY_COUNT
        for old in user.password_history.values_list("password", flat=True)[:count]:
            if check_password(password, old):
                raise ValidationError(f"新密码不能与最近 {count} 次使用过的密码相同", code="password_reused")

    def get_help_text(self):
        return f"不能与最近 {settings.PASSWORD_HISTORY_COUNT} 次使用过的密码相同。"

    def password_changed(self, password, user=None):
        if user is None or not user.pk:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = user.password_history.values_list("pk", flat=True)[: settings.PASSWORD_HISTORY_COUNT]
        user.password_history.exclude(pk__in=list(keep)).delete()
