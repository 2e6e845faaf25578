"""The sources of the daily reminders: each app that knows what falls due registers a function
in its AppConfig.ready() (``register``), so this app imports none of them (the layers:
orglife and recruitment import notifications, never the other way round)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reminder:
    recipients: tuple[int, ...]  # user ids
    kind: str
    title: str
    link: str


# source(today=..., days=...) → the reminders due; days: how far ahead "due soon" looks.
SOURCES: list[Callable[..., Iterable[Reminder]]] = []


def register(source: Callable[..., Iterable[Reminder]]) -> None:
    if source not in SOURCES:
        SOURCES.append(source)
