"""Video sessions: the room an online appointment meets in, and when its link
may be opened.

Each video appointment gets its own room name from ``secrets.token_urlsafe``:
random, long enough not to be guessed, and made of nothing about the client.
The room's address is built from the practice's ``video_url_template`` (a Jitsi
Meet server by default). The link is handed out only by the portal's join page
and the clinician's appointment page, never by email or the calendar feed.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from urllib.parse import quote

from alliance.scheduling.models import Appointment

# The client may join from ten minutes before the start until the end.
JOIN_EARLY = timedelta(minutes=10)
# 16 random bytes: 22 URL-safe characters, 128 bits.
ROOM_BYTES = 16


def new_room_name() -> str:
    return secrets.token_urlsafe(ROOM_BYTES)


def ensure_room(appointment: Appointment) -> None:
    """Give a video appointment a room name if it has none (saved). Other
    modalities keep theirs, so switching back to video keeps the same room."""
    if (
        appointment.modality == Appointment.Modality.VIDEO
        and not appointment.video_room
    ):
        appointment.video_room = new_room_name()
        appointment.save(update_fields=["video_room"])


def join_url(appointment: Appointment) -> str:
    """The address of the appointment's room; empty unless it is a video
    session with a room."""
    if appointment.modality != Appointment.Modality.VIDEO or not appointment.video_room:
        return ""
    template = appointment.client.practice.video_url_template.strip()
    room = quote(appointment.video_room, safe="")
    if "{room}" in template:
        return template.replace("{room}", room)
    return f"{template.rstrip('/')}/{room}"


def join_opens_at(appointment: Appointment) -> datetime:
    return appointment.starts_at - JOIN_EARLY


def can_join(appointment: Appointment, now: datetime) -> bool:
    """Whether the client may open the room now: a booked video session, from
    ten minutes before its start until (not including) its end."""
    return (
        appointment.modality == Appointment.Modality.VIDEO
        and appointment.status == Appointment.Status.BOOKED
        and bool(appointment.video_room)
        and join_opens_at(appointment) <= now < appointment.ends_at
    )
