"""Insights keeps no table of its own: every figure it shows is read from the other apps' summary
tables (core.summaries) and their rules, under the user's scope (docs/architecture.md, "Insights")."""
