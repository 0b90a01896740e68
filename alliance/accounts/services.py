"""Staff accounts: invitations, supervision, practice settings, 2FA devices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import (
    Cover,
    DutyShift,
    Invitation,
    Practice,
    Supervision,
    User,
)
from alliance.accounts.signals import invitation_accepted
from alliance.audit.services import record
from alliance.core.versioning import save_if_current


@transaction.atomic
def create_practice(
    *,
    name: str,
    time_zone: str = "Europe/London",
    letterhead: str = "",
    crisis_lines: str = "",
) -> Practice:
    practice = Practice(
        name=name.strip(),
        time_zone=time_zone,
        letterhead=letterhead,
        crisis_lines=crisis_lines,
    )
    practice.full_clean()
    practice.save()
    record(None, "practice.create", practice)
    return practice


@transaction.atomic
def add_staff_member(
    practice: Practice,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None,
    by: User | None = None,
    credentials: str = "",
    is_active: bool = True,
) -> User:
    """Create a staff account directly (setup and demo); people join by invitation."""
    if role not in User.STAFF_ROLES:
        raise ValidationError("Staff are clinicians, supervisors or practice admins.")
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name,
        role=role,
        practice=practice,
        credentials=credentials,
        is_active=is_active,
    )
    record(by, "user.create", user, detail={"role": role})
    return user


def _invite(
    practice: Practice,
    *,
    email: str,
    full_name: str,
    role: str,
    by: User,
    base_url: str,
    message: str,
    client_uuid: Any = None,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and email its one-time link; returns (invitation, link).
    ``message`` is the email's body before the link."""
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        practice=practice,
        email=email.lower(),
        full_name=full_name,
        role=role,
        client_uuid=client_uuid,
        token_hash=Invitation.hash_token(token),
        invited_by=by,
        expires_at=Invitation.default_expiry(),
    )
    link = base_url.rstrip("/") + reverse("accounts:accept", args=[token])
    record(by, "invitation.create", invitation, request=request, detail={"role": role})

    def send() -> None:
        send_mail(
            f"You are invited to {practice.name} on Alliance",
            f"Hello {full_name},\n\n{message}\n\n"
            f"Set your password here (the link works once and expires in 7 days):\n{link}\n",
            None,
            [invitation.email],
        )

    transaction.on_commit(send)
    return invitation, link


@transaction.atomic
def invite_staff(
    practice: Practice,
    *,
    email: str,
    full_name: str,
    role: str,
    by: User,
    base_url: str,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    if role not in User.STAFF_ROLES:
        raise ValidationError("Staff can be invited as clinician, supervisor or admin.")
    message = (
        f"{by.full_name} has invited you to join {practice.name} on Alliance as "
        f"{User.Role(role).label.lower()}."
    )
    return _invite(
        practice,
        email=email,
        full_name=full_name,
        role=role,
        by=by,
        base_url=base_url,
        message=message,
        request=request,
    )


@transaction.atomic
def invite_client(
    practice: Practice,
    *,
    email: str,
    full_name: str,
    client_uuid: Any,
    by: User,
    base_url: str,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Invite a client to their portal; the clients app links the account on acceptance."""
    if Invitation.objects.usable().filter(client_uuid=client_uuid).exists():
        raise ValidationError(
            "An invitation to the portal is already waiting for this client."
        )
    message = (
        f"{by.full_name} at {practice.name} invites you to your client portal, where "
        "you can complete questionnaires, do homework between sessions and keep your "
        "safety plan to hand. It is private to you. Messages are not monitored around "
        "the clock: in an emergency, use the crisis numbers shown in the portal."
    )
    return _invite(
        practice,
        email=email,
        full_name=full_name,
        role=User.Role.CLIENT,
        by=by,
        base_url=base_url,
        message=message,
        client_uuid=client_uuid,
        request=request,
    )


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.usable()
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(
    invitation: Invitation,
    *,
    full_name: str,
    password: str,
    request: HttpRequest | None = None,
) -> User:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ValidationError("This invitation has already been used or has expired.")
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError("Someone with this email already has an account.")
    user = User.objects.create_user(
        invitation.email,
        password,
        full_name=full_name,
        role=invitation.role,
        practice=invitation.practice,
    )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    record(user, "invitation.accept", invitation, request=request)
    # A client's invitation: the clients app links the account to the record.
    invitation_accepted.send(
        sender=Invitation, invitation=invitation, user=user, request=request
    )
    return user


@transaction.atomic
def revoke_invitation(
    invitation: Invitation, *, by: User, request: HttpRequest | None = None
) -> None:
    if invitation.status != "pending":
        raise ValidationError("Only a pending invitation can be revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(by, "invitation.revoke", invitation, request=request)


@transaction.atomic
def start_supervision(
    *, supervisor: User, supervisee: User, by: User, request: HttpRequest | None = None
) -> Supervision:
    if supervisor.role != User.Role.SUPERVISOR:
        raise ValidationError(f"{supervisor} is not a clinical supervisor.")
    if supervisor.practice_id != supervisee.practice_id:
        raise ValidationError("Supervisor and clinician must be in the same practice.")
    if Supervision.objects.filter(
        supervisor=supervisor, supervisee=supervisee, ended_at__isnull=True
    ).exists():
        raise ValidationError(f"{supervisor} already supervises {supervisee}.")
    supervision = Supervision.objects.create(
        supervisor=supervisor, supervisee=supervisee
    )
    record(
        by,
        "supervision.start",
        None,
        request=request,
        detail={"supervisor": str(supervisor.uuid), "supervisee": str(supervisee.uuid)},
    )
    return supervision


@transaction.atomic
def end_supervision(
    supervision: Supervision, *, by: User, request: HttpRequest | None = None
) -> None:
    supervision.ended_at = timezone.now()
    supervision.save(update_fields=["ended_at"])
    record(
        by,
        "supervision.end",
        None,
        request=request,
        detail={
            "supervisor": str(supervision.supervisor.uuid),
            "supervisee": str(supervision.supervisee.uuid),
        },
    )


# The phases of an episode still in care (clients.Episode.Phase but CLOSED);
# spelled out here because accounts sits above clients.
IN_CARE_PHASES = ("referral", "assessment", "active", "termination", "aftercare")


def clients_in_care(user: User) -> int:
    """How many clients with an open episode (referral to aftercare) have
    ``user`` as their primary clinician."""
    return user.caseload.filter(episodes__phase__in=IN_CARE_PHASES).distinct().count()


def clients_in_care_count() -> Count:
    """``clients_in_care`` as an annotation on a User queryset, so a list of
    clinicians is counted in one query."""
    return Count(
        "caseload",
        filter=Q(caseload__episodes__phase__in=IN_CARE_PHASES),
        distinct=True,
    )


@transaction.atomic
def set_user_active(
    user: User, *, active: bool, by: User, request: HttpRequest | None = None
) -> None:
    if user == by and not active:
        raise ValidationError("You cannot deactivate your own account.")
    if not active and (held := clients_in_care(user)):
        raise ValidationError(
            f"{user} still holds {held} client{'s' if held != 1 else ''} in care. "
            "Transfer their caseload to colleagues first, so that every client "
            "keeps a clinician who sees their alerts and messages.",
            code="caseload",
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(by, "user.activate" if active else "user.deactivate", user, request=request)


@transaction.atomic
def update_practice(
    practice: Practice,
    *,
    by: User,
    version: int | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Practice:
    """Save the practice settings, if they are still at ``version`` (else
    ``Conflict``: another admin saved them meanwhile)."""
    for name, value in fields.items():
        setattr(practice, name, value)
    save_if_current(practice, list(fields), version=version, by=by)
    record(
        by,
        "practice.update",
        practice,
        request=request,
        detail={"fields": list(fields)},
    )
    return practice


@transaction.atomic
def reset_second_factor(
    user: User, *, by: User, request: HttpRequest | None = None
) -> int:
    """Remove a staff member's authenticator devices (a lost phone); they set
    up a new one at their next login. Returns how many were removed."""
    if user.practice_id != by.practice_id:
        raise ValidationError("That person is not in your practice.")
    deleted: tuple[int, dict[str, int]] = TOTPDevice.objects.filter(user=user).delete()
    count = deleted[0]
    StaticDevice.objects.filter(user=user).delete()
    record(by, "2fa.reset", user, request=request, detail={"devices": count})
    return count


RECOVERY_CODES = 10


@transaction.atomic
def new_recovery_codes(user: User, *, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with new single-use ones and return
    them (the only time they are shown)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name="Recovery codes", confirmed=True
    )
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    record(user, "2fa.recovery_codes", None, request=request)
    return codes


def recovery_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(
        device__user=user, device__confirmed=True
    ).count()
    return left


@transaction.atomic
def use_recovery_code(
    user: User, code: str, *, request: HttpRequest | None = None
) -> StaticDevice | None:
    """The recovery-code device if ``code`` is one of the user's unused codes
    (it is used up), else None. Spaces, dashes and case are ignored."""
    typed = "".join(code.split()).replace("-", "").lower()
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if typed and device.verify_token(typed):
            record(
                user,
                "auth.2fa_recovery_code",
                None,
                request=request,
                detail={"left": device.token_set.count()},
            )
            return device
    return None


def add_totp_device(user: User, *, name: str = "Authenticator app") -> TOTPDevice:
    """A confirmed TOTP device, for set-up scripts and the demo (which prints its key)."""
    device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
    record(user, "2fa.setup", None, detail={"by": "setup"})
    return device


def existing_pending_totp_device(user: User) -> TOTPDevice | None:
    """The unconfirmed device being set up, if set-up was started."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up, created when set-up starts (a POST)."""
    device = existing_pending_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


@transaction.atomic
def confirm_totp_device(
    device: TOTPDevice, token: str, *, request: HttpRequest | None = None
) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(device.user, "2fa.setup", None, request=request)
    return True


def cover_refusal(
    clinician: User, cover: User | None, starts_on: date | None, ends_on: date | None
) -> str | None:
    """Why this cover arrangement cannot be made, or None."""
    if not clinician.is_clinical:
        return "Cover is arranged for clinicians and supervisors."
    if cover is None:
        return "Choose the colleague who covers."
    if cover.pk == clinician.pk:
        return "Choose a colleague other than the clinician who is away."
    if (
        not cover.is_clinical
        or not cover.is_active
        or cover.practice_id != clinician.practice_id
    ):
        return "The cover must be an active clinician in this practice."
    if starts_on is None or ends_on is None:
        return "Give the first and the last day of the cover."
    if ends_on < starts_on:
        return "The last day of the cover cannot come before the first."
    if clinician.practice is not None and ends_on < clinician.practice.today():
        return "That date range is already over."
    return None


@transaction.atomic
def arrange_cover(
    *,
    clinician: User,
    cover: User | None,
    starts_on: date | None,
    ends_on: date | None,
    by: User,
    request: HttpRequest | None = None,
) -> Cover:
    """Name a colleague as cover for an absent clinician, for whole days (the
    practice's time zone). The clinician arranges their own; the practice admin
    anyone's in the practice."""
    if not (by.pk == clinician.pk or by.is_practice_admin) or (
        by.practice_id != clinician.practice_id
    ):
        raise ValidationError(
            "Clinicians arrange their own cover; the practice admin arranges anyone's."
        )
    refusal = cover_refusal(clinician, cover, starts_on, ends_on)
    if refusal or cover is None or starts_on is None or ends_on is None:
        raise ValidationError(refusal or "Give the colleague and the dates.")
    arrangement = Cover.objects.create(  # type: ignore[misc]  # staff always belong to a practice
        practice_id=clinician.practice_id,
        clinician=clinician,
        cover=cover,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    record(
        by,
        "cover.start",
        None,
        request=request,
        detail={
            "cover_uuid": str(arrangement.uuid),
            "clinician": str(clinician.uuid),
            "cover": str(cover.uuid),
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return arrangement


@transaction.atomic
def end_cover(
    arrangement: Cover, *, by: User, request: HttpRequest | None = None
) -> Cover:
    """End a cover arrangement early; from now on it gives no access."""
    arrangement = Cover.objects.select_for_update().get(pk=arrangement.pk)
    if arrangement.ended_at is not None:
        raise ValidationError("This cover has already ended.")
    arrangement.ended_at = timezone.now()
    arrangement.ended_by = by
    arrangement.save(update_fields=["ended_at", "ended_by"])
    record(
        by,
        "cover.end",
        None,
        request=request,
        detail={
            "cover_uuid": str(arrangement.uuid),
            "clinician": str(arrangement.clinician.uuid),
            "cover": str(arrangement.cover.uuid),
        },
    )
    return arrangement


# --- the duty rota ----------------------------------------------------------

# The longest run of weekly shifts added at once ("every Monday until …").
MAX_DUTY_DAYS = 60


@transaction.atomic
def add_duty_days(
    practice: Practice,
    *,
    clinician: User,
    start: Any,
    repeat_weekly_until: Any = None,
    by: User,
    request: HttpRequest | None = None,
) -> list[DutyShift]:
    """Put ``clinician`` on duty on ``start`` and, if given, the same weekday
    every week until ``repeat_weekly_until``. Days already on the rota are
    left as they are. Returns the shifts added."""
    if clinician.practice_id != practice.pk or not clinician.is_clinical:
        raise ValidationError("Choose a clinician or supervisor of your practice.")
    if not clinician.is_active:
        raise ValidationError("That person's account is deactivated.")
    days = [start]
    if repeat_weekly_until is not None:
        if repeat_weekly_until < start:
            raise ValidationError("The repeat ends before the first day.")
        while days[-1] + timedelta(days=7) <= repeat_weekly_until:
            days.append(days[-1] + timedelta(days=7))
            if len(days) > MAX_DUTY_DAYS:
                raise ValidationError(f"Add at most {MAX_DUTY_DAYS} duty days at once.")
    taken = set(
        DutyShift.objects.filter(clinician=clinician, date__in=days).values_list(
            "date", flat=True
        )
    )
    added = [
        DutyShift.objects.create(
            practice=practice, clinician=clinician, date=day, created_by=by
        )
        for day in days
        if day not in taken
    ]
    record(
        by,
        "duty.add",
        clinician,
        request=request,
        detail={"dates": [day.isoformat() for day in days if day not in taken]},
    )
    return added


@transaction.atomic
def remove_duty_day(
    shift: DutyShift, *, by: User, request: HttpRequest | None = None
) -> None:
    if shift.practice_id != by.practice_id:
        raise ValidationError("That duty day is not in your practice.")
    record(
        by,
        "duty.remove",
        shift.clinician,
        request=request,
        detail={"date": shift.date.isoformat()},
    )
    shift.delete()
