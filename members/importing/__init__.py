"""Excel rosters (花名册): read ``.xlsx`` and ``.csv`` files in the common roster layout, check every
row, preview the outcome, then commit all valid rows in one transaction; and export a member list
in the same layout.

Tolerant of form (date spellings, Excel serial numbers, full-width characters, stray spaces, a
lowercase x), strict on meaning (the ID number decides gender and birth date; admission at 18 or
later; conversion after admission; the org within the importer's scope). Each refused row gets
Chinese reasons and nothing is written while any row is refused.

- ``reading``: the layout, cell normalising and file reading;
- ``checking``: the row rules (``RosterChecker``) and the checked row (``Row``);
- ``batches``: upload, preview, commit and discard of an ``ImportBatch``;
- ``reports``: error reports, the import template, and the roster export.
"""

from members.importing.batches import (
    batch_commit,
    batch_commit_claim,
    batch_commit_queue,
    batch_commit_run,
    batch_discard,
    batch_fail_interrupted,
    batch_preview,
    batch_submit,
    batch_upload,
)
from members.importing.checking import RosterChecker, Row, check_file
from members.importing.reading import (
    LAYOUT,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportRefused,
    clean,
    find_header,
    parse_date,
    read_rows,
)
from members.importing.reports import (
    EXPORT_HEADERS,
    error_report_csv,
    error_report_xlsx,
    export_row,
    export_xlsx,
    template_xlsx,
)

__all__ = [
    "EXPORT_HEADERS", "LAYOUT", "MAX_FILE_BYTES", "MAX_ROWS", "ImportRefused", "RosterChecker", "Row",
    "batch_commit", "batch_commit_claim", "batch_commit_queue", "batch_commit_run", "batch_discard",
    "batch_fail_interrupted", "batch_preview", "batch_submit", "batch_upload", "check_file", "clean", "error_report_csv", "error_report_xlsx", "export_row",
    "export_xlsx", "find_header", "parse_date", "read_rows", "template_xlsx",
]
