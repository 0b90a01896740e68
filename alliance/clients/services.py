"""Writes about clients, episodes and consent. Each function checks, writes and
audits in one transaction; views, the demo and commands all call these."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from alliance.accounts.models import Invitation, Practice, User
from alliance.accounts.services import invite_client
from alliance.audit.services import record
from alliance.clients.models import (
    Client,
    ClinicianChange,
    Consent,
    ConsentText,
    Episode,
    EpisodeTransition,
)
from alliance.clients.signals import episode_moved
from alliance.core.signatures import check_signature
from alliance.core.versioning import save_if_current

CLIENT_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "referral_source",
    "referral_reason",
)


@transaction.atomic
def register_client(
    *,
    by: User,
    clinician: User | None = None,
    request: HttpRequest | None = None,
    open_episode_reason: str = "Referral received",
    at: datetime | None = None,
    **fields: Any,
) -> Client:
    """Register a client in the practice and open their first episode (referral)."""
    clinician = clinician or by
    if not clinician.is_clinical or clinician.practice_id != by.practice_id:
        raise ValidationError(
            "The primary clinician must be a clinician in this practice."
        )
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown client fields: {sorted(unknown)}")
    client = Client(  # type: ignore[misc]  # staff always belong to a practice
        practice_id=by.practice_id, clinician=clinician, created_by=by, **fields
    )
    client.full_clean()
    client.save()
    record(by, "client.create", client, request=request)
    open_episode(client, by=by, reason=open_episode_reason, request=request, at=at)
    return client


@transaction.atomic
def update_client(
    client: Client,
    *,
    by: User,
    version: int | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Client:
    """Save the client's details, if the record is still at ``version``.

    Raises ``Conflict`` when someone saved the record after the editor opened
    it (the referral reason keeps no history, so a silent overwrite would
    lose it). ``version=None`` is for callers holding the row themselves (the
    client's confirmed contact changes); the version is bumped all the same.
    """
    changed = []
    for name, value in fields.items():
        if name not in CLIENT_FIELDS:
            raise ValueError(f"unknown client field: {name}")
        if getattr(client, name) != value:
            setattr(client, name, value)
            changed.append(name)
    if changed:
        client.full_clean()
        save_if_current(client, changed, version=version, by=by)
        record(by, "client.update", client, request=request, detail={"fields": changed})
    return client


@transaction.atomic
def open_episode(
    client: Client,
    *,
    by: User,
    reason: str,
    previous: Episode | None = None,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> Episode:
    """Open a new episode in referral, held by the client's primary clinician
    (``change_clinician`` moves open episodes with the client, so an open
    episode's clinician is always the client's). ``at`` backdates it
    (imports, the demo)."""
    # The client's clinician as the database has it now, the row locked
    # until the episode exists: a change of clinician at the same moment
    # either comes first (and is read here) or waits and moves the episode.
    clinician_id = (
        Client.objects.select_for_update().values_list("clinician_id", flat=True)
    ).get(pk=client.pk)
    if client.episodes.open().exists():
        raise ValidationError("This client already has an open episode of care.")
    at = at or timezone.now()
    if at > timezone.now():
        raise ValidationError("An episode cannot open in the future.")
    episode = Episode.objects.create(
        client=client,
        clinician_id=clinician_id,
        previous_episode=previous,
        opened_at=at,
    )
    EpisodeTransition.objects.create(
        episode=episode,
        from_phase="",
        to_phase=episode.phase,
        reason=reason,
        by=by,
        at=at,
    )
    record(by, "episode.open", episode, request=request)
    return episode


@transaction.atomic
def transition_episode(
    episode: Episode,
    to: str,
    *,
    by: User,
    reason: str,
    discharge: str = "",
    keep_appointments: bool = False,
    at: datetime | None = None,
    request: HttpRequest | None = None,
) -> EpisodeTransition:
    """Move the episode to another phase, or raise ValidationError saying why not.

    Closing needs the discharge reason (one of ``Episode.DischargeReason``).
    Moving to aftercare with booked appointments still to come needs
    ``keep_appointments=True`` (the clinician saw them and confirmed); without
    it the refusal has the code ``"future_appointments"``.
    Other apps hear of the move through ``signals.episode_moved``, sent inside
    the same transaction, so their follow-on records land or fail with it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for the change of phase.")
    if to == Episode.Phase.CLOSED and discharge not in Episode.DischargeReason.values:
        raise ValidationError("Choose the discharge reason when closing an episode.")
    # Re-read under the write lock so two clicks cannot both move the episode.
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    refusal = episode.can_move_to(to)
    if refusal:
        raise ValidationError(refusal)
    if (
        to == Episode.Phase.AFTERCARE
        and not keep_appointments
        and (n := episode.future_appointment_count())
    ):
        raise ValidationError(
            f"The client still has {n} booked appointment{'s' if n != 1 else ''} "
            "to come. Cancel them, or confirm that they stay booked in aftercare.",
            code="future_appointments",
        )
    at = at or timezone.now()
    transition = EpisodeTransition.objects.create(
        episode=episode,
        from_phase=episode.phase,
        to_phase=to,
        reason=reason,
        by=by,
        at=at,
    )
    episode.phase = to
    closing = to == Episode.Phase.CLOSED
    episode.closed_at = at if closing else None
    episode.discharge_reason = discharge if closing else ""
    episode.save(update_fields=["phase", "closed_at", "discharge_reason"])
    detail = {"from": transition.from_phase, "to": to}
    if closing:
        detail["discharge"] = discharge
    record(by, "episode.transition", episode, request=request, detail=detail)
    episode_moved.send(
        sender=Episode,
        episode=episode,
        transition=transition,
        by=by,
        request=request,
    )
    return transition


def new_clinician_refusal(client: Client, to: User | None) -> str | None:
    """Why ``to`` cannot become the client's primary clinician, or None."""
    if to is None:
        return "Choose the colleague who takes over."
    if not to.is_clinical or to.practice_id != client.practice_id:
        return "The new primary clinician must be a clinician in this practice."
    if not to.is_active:
        return f"{to} is deactivated, so they cannot take over a client."
    if client.clinician_id == to.pk:
        return f"{to} is already {client.display_name}'s primary clinician."
    return None


@transaction.atomic
def change_primary_clinician(
    client: Client,
    *,
    to: User | None,
    by: User,
    reason: str,
    request: HttpRequest | None = None,
    transfer: bool = False,
) -> ClinicianChange:
    """Hand the client's care to another clinician of the practice (practice
    admins only). The open episode moves with them, and with it everything
    found through the caseload: chart, open alerts, the message thread. The
    change is recorded with its reason in the client's timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for the change of primary clinician.")
    if not by.is_practice_admin or by.practice_id != client.practice_id:
        raise ValidationError(
            "Only the practice admin can change a client's primary clinician."
        )
    client = (
        Client.objects.select_for_update().select_related("clinician").get(pk=client.pk)
    )
    refusal = new_clinician_refusal(client, to)
    if refusal or to is None:
        raise ValidationError(refusal or "Choose the colleague who takes over.")
    previous = client.clinician
    episode = client.episodes.order_by("-opened_at").first()
    change = ClinicianChange.objects.create(
        client=client,
        episode=episode,
        from_clinician=previous,
        to_clinician=to,
        reason=reason,
        by=by,
    )
    client.clinician = to
    client.save(update_fields=["clinician"])
    Episode.objects.filter(client=client).open().update(clinician=to)
    record(
        by,
        "client.clinician_change",
        client,
        request=request,
        detail={
            "from": str(previous.uuid),
            "to": str(to.uuid),
            "transfer": transfer,
        },
    )
    return change


@transaction.atomic
def transfer_caseload(
    clinician: User,
    assignments: list[tuple[Client, User]],
    *,
    by: User,
    reason: str,
    request: HttpRequest | None = None,
) -> list[ClinicianChange]:
    """Move a clinician's clients to colleagues, all or none: the first refusal
    names the client and nothing is changed. Each client's change is audited
    and shown in their timeline."""
    if not assignments:
        raise ValidationError("Choose a colleague for at least one client.")
    changes = []
    for client, to in assignments:
        if client.clinician_id != clinician.pk:
            raise ValidationError(
                f"{client.display_name} is no longer {clinician}'s client."
            )
        if to is not None and to.pk == clinician.pk:
            raise ValidationError(
                f"Choose a colleague other than {clinician} for {client.display_name}."
            )
        try:
            changes.append(
                change_primary_clinician(
                    client,
                    to=to,
                    by=by,
                    reason=reason,
                    request=request,
                    transfer=True,
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                f"{client.display_name}: {' '.join(exc.messages)} Nothing was "
                "transferred."
            ) from exc
    return changes


@transaction.atomic
def publish_consent_text(
    practice: Practice,
    *,
    title: str,
    body: str,
    by: User,
    request: HttpRequest | None = None,
) -> ConsentText:
    """Save an edit of the consent text as the next version; old ones stay."""
    if not title.strip() or not body.strip():
        raise ValidationError("The consent text needs a title and a body.")
    last = ConsentText.objects.filter(practice=practice).order_by("-version").first()
    text = ConsentText.objects.create(
        practice=practice,
        version=(last.version + 1) if last else 1,
        title=title.strip(),
        body=body.strip(),
        created_by=by,
    )
    record(
        by,
        "consent_text.publish",
        text,
        request=request,
        detail={"version": text.version},
    )
    return text


def current_consent_text(practice: Practice) -> ConsentText | None:
    return ConsentText.objects.filter(practice=practice).order_by("-version").first()


@transaction.atomic
def record_consent(
    episode: Episode,
    *,
    consent_text: ConsentText,
    method: str,
    given_at: datetime,
    by: User,
    request: HttpRequest | None = None,
) -> Consent:
    if consent_text.practice_id != episode.client.practice_id:
        raise ValidationError("That consent text belongs to another practice.")
    if not episode.is_open:
        raise ValidationError("Consent cannot be recorded on a closed episode.")
    if given_at > timezone.now():
        raise ValidationError("Consent cannot be dated in the future.")
    consent = Consent(
        episode=episode,
        consent_text=consent_text,
        method=method,
        given_at=given_at,
        recorded_by=by,
    )
    consent.full_clean()
    consent.save()
    record(
        by,
        "consent.record",
        consent,
        request=request,
        detail={"version": consent_text.version},
    )
    return consent


def consent_statement(consent_text: ConsentText) -> str:
    """What the client confirms when signing in the portal."""
    return (
        f"I have read “{consent_text.title}” (version {consent_text.version}) "
        "and agree to it."
    )


def consent_signed(episode: Episode, consent_text: ConsentText) -> Consent | None:
    """The episode's standing consent to exactly this version, if any: one to an
    earlier version does not count for it."""
    return (
        episode.consents.filter(consent_text=consent_text, withdrawn_at__isnull=True)
        .select_related("recorded_by", "consent_text")
        .first()
    )


@transaction.atomic
def sign_consent(
    episode: Episode,
    *,
    consent_text: ConsentText,
    signed_name: str,
    agreed: bool,
    digest: str,
    by: User,
    request: HttpRequest | None = None,
) -> Consent:
    """The client signs the practice's current consent text in the portal: typed
    name, the statement ticked, the version's digest. Audited."""
    client = episode.client
    if by.role != User.Role.CLIENT or client.user_id != by.pk:
        raise ValidationError("Only the client can sign their own consent.")
    if not episode.is_open:
        raise ValidationError("This episode of care has closed.")
    current = current_consent_text(client.practice)
    if current is None or current.pk != consent_text.pk:
        raise ValidationError(
            "A newer version of the agreement has been published. Please read "
            "it and sign that one."
        )
    name = check_signature(
        signed_name=signed_name,
        agreed=agreed,
        posted_digest=digest,
        digest=consent_text.content_digest(),
    )
    if consent_signed(episode, consent_text):
        raise ValidationError("You have already agreed to this version.")
    consent = Consent(
        episode=episode,
        consent_text=consent_text,
        method=Consent.Method.SIGNED_ELECTRONIC,
        given_at=timezone.now(),
        recorded_by=by,
        signed_name=name,
        statement=consent_statement(consent_text),
        digest=consent_text.content_digest(),
    )
    consent.full_clean()
    consent.save()
    record(
        by,
        "consent.sign",
        consent,
        request=request,
        detail={"version": consent_text.version, "digest": consent.digest},
    )
    return consent


@transaction.atomic
def withdraw_consent(
    consent: Consent, *, by: User, request: HttpRequest | None = None
) -> Consent:
    if consent.withdrawn_at:
        raise ValidationError("This consent was already withdrawn.")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record(by, "consent.withdraw", consent, request=request)
    return consent


@transaction.atomic
def invite_to_portal(
    client: Client, *, by: User, base_url: str, request: HttpRequest | None = None
) -> str:
    """Email the client a one-time link to set up their portal login."""
    if client.user_id:
        raise ValidationError("This client already has a portal login.")
    if not client.email:
        raise ValidationError("Add the client's email address before inviting them.")
    if User.objects.filter(email=client.email.lower()).exists():
        raise ValidationError(
            "Someone already has an account with this client's email."
        )
    _, link = invite_client(
        client.practice,
        email=client.email,
        full_name=f"{client.given_name} {client.family_name}",
        client_uuid=client.uuid,
        by=by,
        base_url=base_url,
        request=request,
    )
    record(by, "client.portal_invite", client, request=request)
    return link


@transaction.atomic
def link_portal_user(
    client_uuid: Any, user: User, *, request: HttpRequest | None = None
) -> Client:
    """Attach a newly accepted client account to its client record."""
    client = Client.objects.select_for_update().get(uuid=client_uuid)
    if client.user_id or user.practice_id != client.practice_id:
        raise ValidationError("This invitation no longer matches the client record.")
    client.user = user
    client.save(update_fields=["user"])
    record(user, "client.portal_link", client, request=request)
    return client


def on_invitation_accepted(
    sender: Any,
    *,
    invitation: Invitation,
    user: User,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """Receiver of ``accounts.signals.invitation_accepted``: a client's portal
    invitation links the new account to their record, in the acceptance's
    transaction (a refusal rolls the account back). Staff invitations carry no
    client."""
    if invitation.client_uuid:
        link_portal_user(invitation.client_uuid, user, request=request)


@transaction.atomic
def set_client_time_zone(
    client: Client, name: str, *, by: User, request: HttpRequest | None = None
) -> Client:
    """The zone the client reads appointment times in; blank: the practice's.
    Only the client sets it, from the portal."""
    import zoneinfo

    name = (name or "").strip()
    if name and name not in zoneinfo.available_timezones():
        raise ValidationError(
            "Choose a time zone from the list, such as Europe/London."
        )
    if client.user_id != by.pk:
        raise ValidationError("Only the client chooses the time zone they see.")
    if client.time_zone == name:
        return client
    client.time_zone = name
    client.save(update_fields=["time_zone"])
    record(by, "client.time_zone", client, request=request, detail={"time_zone": name})
    return client
