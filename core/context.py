"""What the current request is: who acts, from where, under which request id.

Services read it to write audit entries; commands and tests set it with `acting_as`.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    user: object | None = None
    ip: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    channel: str = "system"  # web, api, cli, system


_current = contextvars.ContextVar("dangjian_request_context", default=None)


def current() -> RequestContext:
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext()


def active() -> RequestContext | None:
    """The context set by a request, a command or a task, or None outside any."""
    return _current.get()


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(user=None, *, ip: str = "", channel: str = "cli"):
    token = set_current(RequestContext(user=user, ip=ip, channel=channel))
    try:
        yield current()
    finally:
        reset(token)
