"""Template helpers for the session panel other apps include (appointment page)."""

from __future__ import annotations

from django import template

from alliance.accounts.models import User
from alliance.notes.forms import StartSessionForm
from alliance.notes.services import start_refusal
from alliance.scheduling.models import Appointment

register = template.Library()


@register.simple_tag
def session_start_refusal(appointment: Appointment, user: User) -> str:
    """Why this user cannot start the session record now, or "" when they can."""
    return start_refusal(appointment, user) or ""


@register.simple_tag
def session_start_form() -> StartSessionForm:
    return StartSessionForm(auto_id="id_start_%s")
