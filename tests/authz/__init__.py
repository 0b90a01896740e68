"""The authorization matrix: every URL pattern × every principal × own, other's
and missing object (SECURITY.md section 4.1).

Each module in this package registers object *kinds* (how to build an object on
the own side and the other side) and *cases* (URL, method, kind, expected status
per principal). ``tests/test_permission_matrix.py`` runs them all and fails for
any URL pattern that has no case, so a new view without a rule fails the suite.

Principals: ``anon``; ``client`` (Cleo's portal login); ``alice`` (Cleo's
clinician); ``bob`` (Dan's clinician); ``sam`` (supervises Alice, not Bob);
``ada`` (admin of the practice); ``zed`` (admin of another practice);
``pw_only`` (Alice, password given but no second factor yet).

Own side = Cleo's object (or Alice's practice's); other side = Dan's (or the
other practice's); missing = a random UUID.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PRINCIPALS = ("anon", "pw_only", "client", "alice", "bob", "sam", "ada", "zed")

KINDS: dict[str, Callable[[Any, str], Any]] = {}
CASES: list[Case] = []
# URL names that need no case: public pages checked by their own tests.
PUBLIC_URLS: set[str] = set()


def kind(name: str) -> Callable[[Callable[[Any, str], Any]], Callable[[Any, str], Any]]:
    """Register how to build an object of this kind: ``build(world, side)``."""

    def register(build: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
        KINDS[name] = build
        return build

    return register


@dataclass
class Case:
    url: str
    own: dict[str, int | tuple[int, ...]]
    other: dict[str, int | tuple[int, ...]] | None = None
    missing: dict[str, int | tuple[int, ...]] | None = None
    method: str = "GET"
    kind: str | None = None
    kwargs: Callable[[Any], dict[str, Any]] = field(
        default=lambda obj: {"uuid": obj.uuid}
    )
    data: dict[str, Any] = field(default_factory=dict)
    # Keyword arguments for URL patterns with no object (e.g. a date).
    static_kwargs: dict[str, Any] = field(default_factory=dict)


def case(url: str, own: dict[str, Any], **kwargs: Any) -> Case:
    c = Case(url=url, own=own, **kwargs)
    CASES.append(c)
    return c


OK = (200,)
REDIRECT = 302
UNAUTH = {"anon": 302, "pw_only": 302}


def clinical(ok: Any = 200, *, write: bool = False) -> dict[str, dict[str, Any]]:
    """Expected statuses for an object in a client's record.

    Alice holds Cleo; Bob holds Dan; Sam supervises Alice (reads, no writes);
    admins and clients have no clinical pages (403).
    """
    no_role = {"client": 403, "ada": 403, "zed": 403}
    return {
        "own": {
            **UNAUTH,
            **no_role,
            "alice": ok,
            "bob": 404,
            "sam": 403 if write else ok,
        },
        "other": {**UNAUTH, **no_role, "alice": 404, "bob": ok, "sam": 404},
        "missing": {**UNAUTH, **no_role, "alice": 404, "bob": 404, "sam": 404},
    }


def author_only(ok: Any = 200) -> dict[str, dict[str, Any]]:
    """Psychotherapy process notes: the author alone, not even the supervisor."""
    no_role = {"client": 403, "ada": 403, "zed": 403}
    return {
        "own": {**UNAUTH, **no_role, "alice": ok, "bob": 404, "sam": 404},
        "other": {**UNAUTH, **no_role, "alice": 404, "bob": ok, "sam": 404},
        "missing": {**UNAUTH, **no_role, "alice": 404, "bob": 404, "sam": 404},
    }


def clinician_page(ok: Any = 200) -> dict[str, Any]:
    """A page with no object for clinicians and supervisors only."""
    return {
        **UNAUTH,
        "client": 403,
        "ada": 403,
        "zed": 403,
        "alice": ok,
        "bob": ok,
        "sam": ok,
    }


def supervisor_page(ok: Any = 200) -> dict[str, Any]:
    """A page with no object for supervisors only (Sam); everyone else 403."""
    return {
        **UNAUTH,
        "client": 403,
        "ada": 403,
        "zed": 403,
        "alice": 403,
        "bob": 403,
        "sam": ok,
    }


def staff_page(ok: Any = 200) -> dict[str, Any]:
    return {
        **UNAUTH,
        "client": 403,
        "ada": ok,
        "zed": ok,
        "alice": ok,
        "bob": ok,
        "sam": ok,
    }


def admin_page(ok: Any = 200) -> dict[str, Any]:
    clin = {"alice": 403, "bob": 403, "sam": 403, "client": 403}
    return {**UNAUTH, **clin, "ada": ok, "zed": ok}


def admin_object(ok: Any = 200) -> dict[str, dict[str, Any]]:
    """An object of the practice (staff member, invitation): own practice's admin only."""
    clin = {"alice": 403, "bob": 403, "sam": 403, "client": 403}
    return {
        "own": {**UNAUTH, **clin, "ada": ok, "zed": 404},
        "other": {**UNAUTH, **clin, "ada": 404, "zed": ok},
        "missing": {**UNAUTH, **clin, "ada": 404, "zed": 404},
    }


def staff_object(ok: Any = 200) -> dict[str, dict[str, Any]]:
    """An object any staff member of its practice may read (e.g. consent text)."""
    staff = ("alice", "bob", "sam", "ada")
    return {
        "own": {**UNAUTH, "client": 403, **dict.fromkeys(staff, ok), "zed": 404},
        "other": {**UNAUTH, "client": 403, **dict.fromkeys(staff, 404), "zed": ok},
        "missing": {**UNAUTH, "client": 403, **dict.fromkeys(staff, 404), "zed": 404},
    }
