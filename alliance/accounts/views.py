from __future__ import annotations

import base64
import io
import time
from datetime import timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from alliance import permissions
from alliance.accounts import services, tokens
from alliance.accounts.backends import axes_username
from alliance.accounts.duty import rota
from alliance.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    CoverForm,
    DutyDayForm,
    EmailLoginForm,
    InvitationForm,
    PracticeForm,
    RecoveryCodeForm,
    SupervisionForm,
    TokenForm,
)
from alliance.accounts.http import AuthenticatedRequest
from alliance.accounts.models import (
    Cover,
    DutyShift,
    Invitation,
    Practice,
    Supervision,
    User,
)
from alliance.accounts.throttle import account_is_cooling_off
from alliance.audit.services import record
from alliance.core.net import client_ip
from alliance.core.versioning import Conflict, model_form_conflict_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = axes_username(request, None)
        ip = client_ip(request)
        if account_is_cooling_off(username, ip):
            record(
                None,
                "auth.login_refused",
                None,
                request=request,
                outcome="denied",
                detail={"email": username[:254], "reason": "account_ceiling"},
            )
            return render(
                request, "accounts/locked_out.html", {"account": True}, status=429
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # Failed logins belong in the audit trail too (who tried, from where).
        record(
            None,
            "auth.login_failed",
            None,
            request=self.request,
            outcome="failed",
            detail={"email": str(form.data.get("username", ""))[:254].strip().lower()},
        )
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session["auth_started"] = int(time.time())
        record(self.request.user, "auth.login", None, request=self.request)
        return response


login_view = login_not_required(LoginView.as_view())


class PasswordResetView(auth_views.PasswordResetView):
    """Forgotten password: a one-time link by email. The second factor is still
    asked for afterwards, so a mailbox alone does not open an account."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


password_reset = login_not_required(PasswordResetView.as_view())
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"
    )
)
password_reset_confirm = login_not_required(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@require_POST
def logout_view(request: AuthenticatedRequest) -> HttpResponse:
    record(request.user, "auth.logout", None, request=request)
    return auth_views.LogoutView.as_view()(request)


@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """Second step of login: a TOTP code from a confirmed device."""
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]  # django-otp's (untyped) middleware and device model add it
        return redirect("home:index")
    if "recovery_code" in request.POST:
        return _verify_with_recovery_code(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None and device.confirmed:
            otp_login(request, device)
            record(user, "auth.2fa", None, request=request)
            return redirect(_safe_next(request))
        record(user, "auth.2fa_failed", None, request=request, outcome="failed")
        form.add_error(
            "token", "That code is not right, or has expired. Try the current one."
        )
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "recovery_form": RecoveryCodeForm()},
    )


def _verify_with_recovery_code(request: AuthenticatedRequest) -> HttpResponse:
    """The login step with a single-use recovery code instead of the app."""
    user = request.user
    form = RecoveryCodeForm(request.POST)
    if form.is_valid():
        device = services.use_recovery_code(
            user, form.cleaned_data["recovery_code"], request=request
        )
        if device is not None:
            otp_login(request, device)
            left = services.recovery_codes_left(user)
            messages.warning(
                request,
                f"Recovery code accepted; {left} left. If your phone is lost or "
                "changed, make new codes from the recovery codes page.",
            )
            return redirect(_safe_next(request))
        record(user, "auth.2fa_failed", None, request=request, outcome="failed")
        form.add_error(
            "recovery_code", "That recovery code is not right, or has been used."
        )
    return render(
        request,
        "accounts/verify.html",
        {"form": TokenForm(), "recovery_form": form, "show_recovery": True},
    )


def _safe_next(request: AuthenticatedRequest) -> str:
    """Where to go after the second factor: the page first asked for, if it is
    on this site; never another host (no open redirect after login)."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _qr_data_uri(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Set up an authenticator app: start (a POST creates the key), scan the QR
    code, then prove it with a code. Opening the page writes nothing."""
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]  # django-otp's (untyped) middleware and device model add it
        messages.info(
            request, "Two-factor authentication is already set up and verified."
        )
        return redirect("home:index")
    if user.totpdevice_set.filter(confirmed=True).exists():  # type: ignore[attr-defined]  # django-otp's (untyped) middleware and device model add it
        return redirect("accounts:verify")
    device = services.existing_pending_totp_device(user)
    if request.method == "POST" and "start" in request.POST:
        services.pending_totp_device(user)
        return redirect("accounts:2fa_setup")
    if device is None:
        # Nothing is created until the person asks for it (a GET writes nothing).
        if request.method == "POST":
            messages.error(request, "Start the set-up first, then enter the code.")
        return render(request, "accounts/two_factor_start.html")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(
            device, form.cleaned_data["token"], request=request
        ):
            otp_login(request, device)
            messages.success(request, "Two-factor authentication is on.")
            return _show_recovery_codes(request)
        form.add_error(
            "token", "That code did not match. Check your phone's clock and try again."
        )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr": _qr_data_uri(device.config_url), "secret": secret},
    )


RECOVERY_SESSION_KEY = "recovery_codes_to_show"


def _show_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """Make new recovery codes and show them once, on the next page."""
    request.session[RECOVERY_SESSION_KEY] = services.new_recovery_codes(
        request.user, request=request
    )
    return redirect("accounts:recovery_codes")


@require_http_methods(["GET", "POST"])
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """New codes just made (shown once), or how many are left and a button to
    replace them. Only after the two-factor step of this login."""
    user = request.user
    if not user.is_verified():  # type: ignore[attr-defined]  # django-otp's (untyped) middleware and device model add it
        messages.info(request, "Recovery codes come with two-step login. Add it first.")
        return redirect("accounts:2fa_setup")
    if request.method == "POST":
        return _show_recovery_codes(request)
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "left": services.recovery_codes_left(user),
            "portal": user.role == User.Role.CLIENT,
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(
        request.POST or None,
        email=invitation.email,
        initial={"full_name": invitation.full_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # A client's account is linked to their record in the same
            # transaction (accounts.signals.invitation_accepted).
            user = services.accept_invitation(
                invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="alliance.accounts.backends.EmailBackend")
            request.session["auth_started"] = int(time.time())
            # Clients go straight to their portal; staff set up 2FA first.
            if user.role == User.Role.CLIENT:
                return redirect("portal:home")
            return redirect("accounts:2fa_setup")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"form": form, "invitation": invitation},
    )


@require_http_methods(["GET", "POST"])
def staff(request: AuthenticatedRequest) -> HttpResponse:
    """The practice admin's list of staff, invitations and supervision."""
    admin = permissions.require_practice_admin(request)
    practice = admin.practice
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invite_staff(
            practice,  # type: ignore[arg-type]  # staff always belong to a practice
            by=admin,
            base_url=request.build_absolute_uri("/"),
            request=request,
            **form.cleaned_data,
        )
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("accounts:staff")
    members = User.objects.filter(practice=practice).exclude(role=User.Role.CLIENT)
    supervisions = Supervision.objects.filter(
        supervisor__practice=practice, ended_at__isnull=True
    ).select_related("supervisor", "supervisee")
    return render(
        request,
        "accounts/staff.html",
        {
            "form": form,
            "members": members,
            "invitations": Invitation.objects.filter(practice=practice)[:50],
            "supervisions": supervisions,
            "supervision_form": SupervisionForm(practice=practice),  # type: ignore[arg-type]  # staff always belong to a practice
        },
    )


@require_POST
def set_active(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    admin = permissions.require_practice_admin(request)
    member = permissions.get_practice_object(
        request, User.objects.all(), {"uuid": uuid}, admin_only=True
    )
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(member, active=active, by=admin, request=request)
    except ValidationError as exc:
        if any(e.code == "caseload" for e in exc.error_list):
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">Transfer {}\u2019s caseload</a>.',
                    " ".join(exc.messages),
                    reverse("caseload:transfer", args=[member.uuid]),
                    member,
                ),
            )
        else:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{member} is now {'active' if active else 'deactivated'}."
        )
    return redirect("accounts:staff")


@require_POST
def reset_two_factor(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    admin = permissions.require_practice_admin(request)
    member = permissions.get_practice_object(
        request, User.objects.all(), {"uuid": uuid}, admin_only=True
    )
    services.reset_second_factor(member, by=admin, request=request)
    messages.success(
        request,
        f"Two-factor authentication reset for {member}: they set up a new "
        "authenticator app at their next login.",
    )
    return redirect("accounts:staff")


@require_POST
def revoke(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    admin = permissions.require_practice_admin(request)
    invitation = permissions.get_practice_object(
        request, Invitation.objects.all(), {"uuid": uuid}, admin_only=True
    )
    try:
        services.revoke_invitation(invitation, by=admin, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("accounts:staff")


@require_POST
def add_supervision(request: AuthenticatedRequest) -> HttpResponse:
    admin = permissions.require_practice_admin(request)
    form = SupervisionForm(request.POST, practice=admin.practice)  # type: ignore[arg-type]  # staff always belong to a practice
    if form.is_valid():
        try:
            services.start_supervision(by=admin, request=request, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Supervision recorded.")
    else:
        messages.error(request, "Choose a supervisor and a different clinician.")
    return redirect("accounts:staff")


@require_POST
def end_supervision(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    admin = permissions.require_practice_admin(request)
    supervision = permissions.get_practice_object(
        request,
        Supervision.objects.filter(ended_at__isnull=True).select_related("supervisor"),
        {"pk": pk},
        admin_only=True,
        practice_field="supervisor__practice_id",
    )
    services.end_supervision(supervision, by=admin, request=request)
    messages.success(request, "Supervision ended.")
    return redirect("accounts:staff")


@require_http_methods(["GET", "POST"])
def practice_settings(request: AuthenticatedRequest) -> HttpResponse:
    admin = permissions.require_practice_admin(request)
    form = PracticeForm(request.POST or None, instance=admin.practice)
    if request.method == "POST" and form.is_valid():
        fresh = Practice.objects.get(pk=admin.practice_id)  # type: ignore[misc]  # None: IS NULL, as at run time
        try:
            services.update_practice(
                fresh,
                by=admin,
                version=form.cleaned_data["version"],
                request=request,
                **form.settings(),
            )
        except Conflict as conflict:
            return model_form_conflict_page(
                request,
                conflict,
                PracticeForm,
                action=reverse("accounts:practice"),
                back=reverse("accounts:practice"),
                title="Practice settings",
            )
        messages.success(request, "Practice details saved.")
        return redirect("accounts:practice")
    return render(request, "accounts/practice.html", {"form": form})


@require_http_methods(["GET", "POST"])
def cover(request: AuthenticatedRequest) -> HttpResponse:
    """Cover for leave: a clinician's own arrangements (as the one away or the
    one covering); the practice admin sees and arranges the whole practice's."""
    user = permissions.require_staff(request)
    form = CoverForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            arrangement = services.arrange_cover(
                clinician=data.get("clinician") or user,
                cover=data["cover"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{arrangement.cover} covers {arrangement.clinician} from "
                f"{arrangement.starts_on:%d %b %Y} to {arrangement.ends_on:%d %b %Y}.",
            )
            return redirect("accounts:cover")
    today = user.practice.today() if user.practice else None
    arrangements = Cover.objects.filter(practice_id=user.practice_id).select_related(  # type: ignore[misc]  # None: IS NULL, as at run time
        "clinician", "cover", "ended_by"
    )
    if not user.is_practice_admin:
        arrangements = arrangements.filter(clinician=user) | arrangements.filter(
            cover=user
        )
    rows: list[Any] = list(arrangements.order_by("-starts_on", "-id")[:200])
    for row in rows:
        row.status = row.status_on(today) if today else ""
    record(user, "cover.list_view", None, request=request, detail={"count": len(rows)})
    return render(
        request,
        "accounts/cover.html",
        {
            "form": form,
            "rows": rows,
            "can_arrange": user.is_clinical or user.is_practice_admin,
        },
    )


@require_POST
def end_cover(request: AuthenticatedRequest, uuid: object) -> HttpResponse:
    arrangement = permissions.get_cover(request, uuid)
    try:
        services.end_cover(arrangement, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Cover by {arrangement.cover} for {arrangement.clinician} ended.",
        )
    return redirect("accounts:cover")


# How far ahead the duty rota page shows.
ROTA_WEEKS = 8


@require_http_methods(["GET", "POST"])
def duty_rota(request: AuthenticatedRequest) -> HttpResponse:
    """The practice admin's duty rota: who is on duty on which days."""
    admin = permissions.require_practice_admin(request)
    practice = admin.practice
    form = DutyDayForm(request.POST or None, practice=practice)  # type: ignore[arg-type]  # staff always belong to a practice
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_duty_days(
                practice,  # type: ignore[arg-type]  # staff always belong to a practice
                by=admin,
                request=request,
                clinician=form.cleaned_data["clinician"],
                start=form.cleaned_data["date"],
                repeat_weekly_until=form.cleaned_data["repeat_weekly_until"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            count = len(added)
            messages.success(
                request,
                f"{count} duty day{'' if count == 1 else 's'} added to the rota."
                if count
                else "Those days were already on the rota.",
            )
            return redirect("accounts:duty")
    today = practice.today()  # type: ignore[union-attr]  # staff always belong to a practice
    shifts = rota(practice, today, today + timedelta(weeks=ROTA_WEEKS))  # type: ignore[arg-type]  # staff always belong to a practice
    return render(
        request,
        "accounts/duty.html",
        {"form": form, "shifts": shifts, "today": today, "weeks": ROTA_WEEKS},
    )


@require_POST
def remove_duty_day(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    admin = permissions.require_practice_admin(request)
    shift = permissions.get_practice_object(
        request,
        DutyShift.objects.select_related("clinician"),
        {"pk": pk},
        admin_only=True,
    )
    services.remove_duty_day(shift, by=admin, request=request)
    messages.success(
        request, f"{shift.clinician} is off the rota on {shift.date:%-d %b %Y}."
    )
    return redirect("accounts:duty")


@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The staff member's personal API tokens: make one (its secret is shown
    this once) and see or revoke the others (docs/api.md)."""
    user = permissions.require_staff(request)
    form = ApiTokenForm(request.POST or None, user=user)
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            made = tokens.create_token(
                user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                notes=form.cleaned_data.get("notes", False),
                days=form.cleaned_data["days"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm(user=user)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "made": made,
            "tokens": list(user.api_tokens.all()[:100]),
            "api_on": bool(user.practice and user.practice.api_enabled),
        },
        status=400 if request.method == "POST" and made is None else 200,
    )


@require_POST
def revoke_api_token(request: HttpRequest, uuid: Any) -> HttpResponse:
    user = permissions.require_staff(request)
    token = permissions.get_api_token(request, uuid)
    if tokens.revoke_token(token, by=user, request=request):
        messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("accounts:api_tokens")
