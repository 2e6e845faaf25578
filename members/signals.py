"""Signals the archive sends for the apps above it.

``member_moved``: members changed org or status — sent inside the writing transaction by every
service that changes them (members.services, transfers.services, the roster import), after the
members' summaries are kept, with ``moves``: a list of (member id, (org id, status) before,
(org id, status) after). An app that keeps per-member rows counted by org (dues' standings)
follows the members in its receiver, in the same transaction."""

from django.dispatch import Signal

member_moved = Signal()
