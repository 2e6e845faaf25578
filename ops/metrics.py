"""The platform's own figures beside django-prometheus's (requests, responses, latency per view,
exceptions): the time of the last good backup, read at each scrape."""

from prometheus_client import Gauge

from ops import selectors

# "max": under gunicorn's multiprocess mode every worker reports the same figure; take one.
LAST_BACKUP = Gauge("dangjian_backup_last_success_timestamp_seconds",
                    "Unix time at which the last good backup finished (0: none yet)",
                    multiprocess_mode="max")


def refresh() -> None:
    last = selectors.last_good_backup()
    LAST_BACKUP.set(last.finished.timestamp() if last else 0)
