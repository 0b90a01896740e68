"""CPT codes for a session: the one place their time thresholds live.

Sources:
- AMA, *CPT 2024 Professional Edition*, psychiatry section and the time rule
  of its introduction: "a unit of time is attained when the mid-point is
  passed". Psychotherapy codes are chosen by the face-to-face time actually
  spent, not by the booked time.
- The resulting ranges are widely published, for example by CMS (Medicare
  Learning Network, "Medicare & Mental Health Coverage") and the American
  Psychological Association ("Psychotherapy codes for psychologists"):
  90832 for 16–37 minutes (30-minute code), 90834 for 38–52 minutes
  (45-minute code), 90837 for 53 minutes or more (60-minute code). Under 16
  minutes no psychotherapy code may be reported.
- 90791 (psychiatric diagnostic evaluation) and 90853 (group psychotherapy)
  are not timed. 90846 (family psychotherapy without the patient) and 90847
  (with the patient) are 50-minute codes: by the same mid-point rule they need
  at least 26 minutes.

CPT is a registered trademark of the American Medical Association; only the
code numbers are used here, no descriptors.
"""

from __future__ import annotations

from alliance.billing.models import Service

DIAGNOSTIC_EVALUATION = "90791"
PSYCHOTHERAPY_30 = "90832"
PSYCHOTHERAPY_45 = "90834"
PSYCHOTHERAPY_60 = "90837"
FAMILY_WITHOUT_PATIENT = "90846"
FAMILY_WITH_PATIENT = "90847"
GROUP = "90853"

# (first minute, code), longest first: a session of at least that many
# minutes takes that code.
PSYCHOTHERAPY_THRESHOLDS: tuple[tuple[int, str], ...] = (
    (53, PSYCHOTHERAPY_60),
    (38, PSYCHOTHERAPY_45),
    (16, PSYCHOTHERAPY_30),
)
FAMILY_MINIMUM = 26


def psychotherapy_code(minutes: int) -> str:
    """The individual psychotherapy code for ``minutes`` of real time, or ""
    when the session was too short to report as psychotherapy (< 16)."""
    for first, code in PSYCHOTHERAPY_THRESHOLDS:
        if minutes >= first:
            return code
    return ""


def code_for(service: str, minutes: int) -> str:
    """The CPT code for a held session of ``service`` lasting ``minutes``;
    "" when none may be reported."""
    if service == Service.DIAGNOSTIC:
        return DIAGNOSTIC_EVALUATION
    if service == Service.GROUP:
        return GROUP
    if service in (Service.FAMILY_WITHOUT, Service.FAMILY_WITH):
        if minutes < FAMILY_MINIMUM:
            return ""
        if service == Service.FAMILY_WITHOUT:
            return FAMILY_WITHOUT_PATIENT
        return FAMILY_WITH_PATIENT
    return psychotherapy_code(minutes)
