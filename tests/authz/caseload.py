"""Matrix cases for handing on a caseload (practice admins only) and cover for
leave (staff: a clinician manages their own arrangements, the practice admin
everyone's in the practice)."""

from __future__ import annotations

from tests.authz import UNAUTH, admin_object, case, kind, staff_page


def _other_practice_clinician(world, email):
    from alliance.accounts.models import User

    return User.objects.create_user(
        email,
        "x" * 16,
        full_name="Other Clinician",
        role="clinician",
        practice=world.zed.practice,
    )


@kind("clinician_member")
def _clinician_member(world, side):
    if side == "own":
        return world.alice
    return _other_practice_clinician(world, "other-transfer@example.org")


@kind("cover")
def _cover(world, side):
    from alliance.accounts.models import Cover

    if side == "own":
        away, cover, by = world.alice, world.bob, world.alice
    else:
        away = _other_practice_clinician(world, "away@example.org")
        cover = _other_practice_clinician(world, "covers@example.org")
        by = away
    today = away.practice.today()
    return Cover.objects.create(
        practice=away.practice,
        clinician=away,
        cover=cover,
        starts_on=today,
        ends_on=today,
        created_by=by,
    )


case("caseload:transfer", **admin_object(), kind="clinician_member")
case(
    "caseload:transfer",
    **admin_object(200),
    kind="clinician_member",
    method="POST",
    data={"reason": ""},
)
case("accounts:cover", staff_page())
case("accounts:cover", staff_page(200), method="POST", data={"cover": ""})

# Alice (away) and Bob (covering) may end their own; Sam, who is neither,
# and the other practice's admin get 404.
_staff = {"client": 403}
case(
    "accounts:end_cover",
    own={**UNAUTH, **_staff, "alice": 302, "bob": 302, "sam": 404, "ada": 302}
    | {"zed": 404},
    other={**UNAUTH, **_staff, "alice": 404, "bob": 404, "sam": 404, "ada": 404}
    | {"zed": 302},
    missing={**UNAUTH, **_staff, "alice": 404, "bob": 404, "sam": 404, "ada": 404}
    | {"zed": 404},
    kind="cover",
    method="POST",
)
