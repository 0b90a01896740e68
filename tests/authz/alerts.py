"""Matrix cases for the practice risk queue, duty access to an alert and the
duty rota (docs/alerts.md). In the matrix world nobody is on duty: Sam (a
supervisor) covers alerts, Alice and Bob do not; duty clinicians are checked by
alliance/alerts/tests/test_queue.py and test_duty_access.py."""

from __future__ import annotations

from tests.authz import UNAUTH, admin_object, admin_page, case, kind

# The queue: admins (without clinical text; Zed sees only his own practice's
# alerts) and supervisors; clinicians not on duty and clients 403.
case(
    "alerts:queue",
    {
        **UNAUTH,
        "client": 403,
        "alice": 403,
        "bob": 403,
        "sam": 200,
        "ada": 200,
        "zed": 200,
    },
)

_no_role = {"client": 403, "ada": 403, "zed": 403}
# Opening an alert with a reason: the primary clinician is sent to the alert
# (302); Sam, a supervisor, gets the reason form (no clinical text) for any
# alert of his practice; Alice and Bob, not on duty, 403 on others' alerts.
_duty = {
    "own": {**UNAUTH, **_no_role, "alice": 302, "bob": 403, "sam": 200},
    "other": {**UNAUTH, **_no_role, "alice": 403, "bob": 302, "sam": 200},
    "missing": {**UNAUTH, **_no_role, "alice": 404, "bob": 404, "sam": 404},
}
case("alerts:duty_open", **_duty, kind="alert")
_duty_post = {
    "own": {**UNAUTH, **_no_role, "alice": 302, "bob": 403, "sam": 302},
    "other": {**UNAUTH, **_no_role, "alice": 403, "bob": 302, "sam": 302},
    "missing": {**UNAUTH, **_no_role, "alice": 404, "bob": 404, "sam": 404},
}
case(
    "alerts:duty_open",
    **_duty_post,
    kind="alert",
    method="POST",
    data={"reason": "On duty; the clinician is away today."},
)


@kind("duty_shift")
def _duty_shift(world, side):
    from django.utils import timezone

    from alliance.accounts.models import DutyShift, User

    if side == "own":
        return DutyShift.objects.create(
            practice=world.alice.practice,
            clinician=world.alice,
            date=timezone.localdate(),
        )
    other = User.objects.create_user(
        "duty-other@example.org",
        "x" * 16,
        full_name="Other Duty",
        role="clinician",
        practice=world.zed.practice,
    )
    return DutyShift.objects.create(
        practice=world.zed.practice, clinician=other, date=timezone.localdate()
    )


case("accounts:duty", admin_page())
case("accounts:duty", admin_page(200), method="POST", data={"date": "not a date"})
case(
    "accounts:duty_remove",
    **admin_object(302),
    kind="duty_shift",
    method="POST",
    kwargs=lambda obj: {"pk": obj.pk},
)
