"""Matrix cases for the practice reports and the audit log. Reports are
counts for every staff member (``permissions.report_scope`` narrows whose
figures: the admin the practice, a supervisor theirs and their supervisees',
a clinician their own), so each staff principal gets 200 and clients 403.
The audit log and its CSV are the practice admin's alone."""

from __future__ import annotations

from tests.authz import admin_page, case, staff_page

case("reports:index", staff_page())
for _slug in ("caseload", "attendance", "waits", "discharges"):
    case(f"reports:{_slug}", staff_page())
    case(f"reports:{_slug}_csv", staff_page())
case("audit:log", admin_page())
case("audit:log_csv", admin_page())
