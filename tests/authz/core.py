"""Matrix cases for accounts, clients, alerts, audit and home."""

from __future__ import annotations

from tests.authz import (
    PUBLIC_URLS,
    UNAUTH,
    admin_object,
    admin_page,
    case,
    clinical,
    clinician_page,
    kind,
    staff_object,
    staff_page,
    supervisor_page,
)

PUBLIC_URLS.update(
    {
        "accounts:login",
        "accounts:accept",
        "healthz",
        "readyz",
        "accounts:verify",
        "accounts:2fa_setup",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
    }
)


@kind("client")
def _client(world, side):
    return world.client_of(side)


@kind("episode")
def _episode(world, side):
    return world.client_of(side).current_episode()


@kind("consent")
def _consent(world, side):
    from django.utils import timezone

    from alliance.clients.services import current_consent_text, record_consent

    client = world.client_of(side)
    return record_consent(
        client.current_episode(),
        consent_text=current_consent_text(client.practice),
        method="verbal",
        given_at=timezone.now(),
        by=client.clinician,
    )


@kind("alert")
def _alert(world, side):
    from alliance.alerts.services import raise_alert

    client = world.client_of(side)
    return raise_alert(
        client, source="Session risk check", summary=f"CANARY-{client.given_name}"
    )


@kind("staff_member")
def _staff_member(world, side):
    return world.ada if side == "own" else world.zed


@kind("invitation")
def _invitation(world, side):
    from alliance.accounts.models import Invitation

    admin = world.ada if side == "own" else world.zed
    return Invitation.objects.create(
        practice=admin.practice,
        email=f"new-{side}@example.org",
        full_name="New Person",
        role="clinician",
        token_hash=f"hash-{side}",
        invited_by=admin,
        expires_at=Invitation.default_expiry(),
    )


@kind("supervision")
def _supervision(world, side):
    from alliance.accounts.models import Supervision, User

    if side == "own":
        return Supervision.objects.get(supervisor=world.sam, supervisee=world.alice)
    other_sup = User.objects.create_user(
        "other-sup@example.org",
        "x" * 16,
        full_name="Other Sup",
        role="supervisor",
        practice=world.zed.practice,
    )
    other_clin = User.objects.create_user(
        "other-clin@example.org",
        "x" * 16,
        full_name="Other Clin",
        role="clinician",
        practice=world.zed.practice,
    )
    return Supervision.objects.create(supervisor=other_sup, supervisee=other_clin)


@kind("consent_text")
def _consent_text(world, side):
    from alliance.clients.services import publish_consent_text

    admin = world.ada if side == "own" else world.zed
    return publish_consent_text(admin.practice, title="Consent", body="Body", by=admin)


case("home:index", {**staff_page(), "client": 302})
# Supervisors only: counts for their own supervisees (Sam: Alice).
case("home:supervisees", supervisor_page())
case("clients:list", clinician_page())
# The caseload's filters never widen it (a filter on Bob names no client of his).
case(
    "clients:list",
    clinician_page(),
    data={"q": "Example", "phase": "referral", "alerts": "1", "off_track": "1"},
)
case("clients:create", clinician_page())
case("clients:create", clinician_page((200,)), method="POST")
case("clients:edit", **clinical(write=True), kind="client")
case("clients:edit", **clinical(200, write=True), kind="client", method="POST")
case("clients:transition", **clinical(302, write=True), kind="episode", method="POST")
case("clients:consent", **clinical(write=True), kind="episode")
case(
    "clients:consent",
    **clinical(write=True),
    kind="episode",
    method="POST",
    data={"method": "verbal", "given_at": "not a date"},
)
case("clients:invite_portal", **clinical(302, write=True), kind="client", method="POST")
case("clients:open_episode", **clinical(302, write=True), kind="client", method="POST")
case(
    "clients:withdraw_consent",
    **clinical(302, write=True),
    kind="consent",
    method="POST",
)
case("clients:consent_texts", admin_page())
case("clients:consent_texts", admin_page(200), method="POST")
case("clients:consent_text", **staff_object(), kind="consent_text")
case("accounts:staff", admin_page())
case("accounts:staff", admin_page(200), method="POST")
case("accounts:practice", admin_page())
case("accounts:practice", admin_page(200), method="POST", data={"name": ""})
case("accounts:set_active", **admin_object(302), kind="staff_member", method="POST")
case("accounts:reset_2fa", **admin_object(302), kind="staff_member", method="POST")
case("accounts:revoke", **admin_object(302), kind="invitation", method="POST")
case("accounts:add_supervision", admin_page(302), method="POST")
case(
    "accounts:end_supervision",
    **admin_object(302),
    kind="supervision",
    method="POST",
    kwargs=lambda obj: {"pk": obj.pk},
)

# Everyone's own codes; a client without two-step login is sent to add it.
_SIGNED_IN = dict.fromkeys(("alice", "bob", "sam", "ada", "zed"), 200)
case("accounts:recovery_codes", {**UNAUTH, "client": 302, **_SIGNED_IN})
case(
    "accounts:recovery_codes",
    {**UNAUTH, "client": 302, **dict.fromkeys(_SIGNED_IN, 302)},
    method="POST",
)
