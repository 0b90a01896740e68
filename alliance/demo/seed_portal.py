"""The demo's portal client: a login, homework to do, check-ins, a coping
toolbox and messages with their clinician, all through the apps' services.

Everything here is invented. The client signs in with a password only (clients
may add TOTP themselves), so the printed login has no TOTP secret.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from alliance.accounts.models import Invitation, User
from alliance.accounts.services import accept_invitation
from alliance.checkins.services import record_checkin
from alliance.clients.models import Client
from alliance.clients.services import invite_to_portal
from alliance.demo.episodes import open_episode
from alliance.homework.models import HomeworkAssignment
from alliance.homework.services import assign_homework
from alliance.messaging.services import read_thread, send_message
from alliance.toolbox.services import (
    add_own_skill,
    add_skill_from_library,
    log_practice,
    update_skill_notes,
)

# (days ago, mood 0-10, feelings, note)
CHECKINS = (
    (20, 3, ["tired", "sad"], "Didn't get out of bed until lunchtime."),
    (17, 4, ["anxious"], "Worried all evening about the meeting."),
    (13, 4, ["tired", "hopeful"], "Went for a short walk with my sister."),
    (10, 5, ["calm"], ""),
    (6, 6, ["hopeful", "proud"], "Finished the thought record, it helped a bit."),
    (3, 5, ["worried"], "Work is busy again."),
)


def seed_portal_client(
    client: Client,
    *,
    clinician: User,
    password: str,
    now: datetime,
    rng: random.Random,
) -> dict[str, str]:
    """Give ``client`` (in active treatment) a portal login and a few weeks of
    between-session activity. Returns the login to print."""
    invite_to_portal(client, by=clinician, base_url="http://127.0.0.1:8000")
    invitation = Invitation.objects.get(client_uuid=client.uuid, accepted_at=None)
    # Accepting links the account to the client (accounts.signals).
    user = accept_invitation(
        invitation,
        full_name=f"{client.given_name} {client.family_name}",
        password=password,
    )
    client.refresh_from_db()
    episode = open_episode(client)
    today = timezone.localtime(now).date()
    assign_homework(
        episode,
        by=clinician,
        template="thought_record",
        title="Thought record when your mood drops",
        instructions=(
            "When you notice your mood dropping, write down what was happening, "
            "the thoughts that went through your mind and how strongly you "
            "believed them. Then look for evidence on both sides, as we practised."
        ),
        technique="cognitive-restructuring",
        due_date=today + timedelta(days=4),
        reminder=True,
    )
    assign_homework(
        episode,
        by=clinician,
        template="relaxation_practice",
        title="Slow breathing, five minutes a day",
        instructions=(
            "Once a day, use the breathing guide for five minutes. Rate how tense "
            "you feel before and after; it is fine if it doesn't always help."
        ),
        technique="paced-breathing",
        recurrence=HomeworkAssignment.Recurrence.DAILY,
        reminder=True,
    )
    for days_ago, mood, feelings, note in CHECKINS:
        at = now - timedelta(days=days_ago, hours=rng.randint(0, 6))
        record_checkin(
            client,
            mood=mood,
            feelings=feelings,
            note=note,
            safety_concern=False,
            submission_key=uuid.uuid4(),
            by=user,
            at=at,
        )
    breathing = add_skill_from_library(client, "paced-breathing", by=clinician)
    update_skill_notes(
        breathing,
        notes="Longer out-breath works best. Helps most before phone calls.",
        by=user,
    )
    add_skill_from_library(client, "cognitive-restructuring", by=clinician)
    walk = add_own_skill(
        client,
        title="A walk round the park",
        notes="Even ten minutes lifts my mood a little.",
        by=user,
    )
    for days_ago, helped in ((12, 6), (5, 7)):
        log_practice(
            breathing,
            practised_on=today - timedelta(days=days_ago),
            helpfulness=helped,
            note="",
            by=user,
        )
    log_practice(
        walk, practised_on=today - timedelta(days=2), helpfulness=8, note="", by=user
    )
    send_message(
        client,
        "Could we talk next time about how work has been going?",
        by=user,
    )
    read_thread(client, by=clinician)
    send_message(
        client,
        f"Hi {client.preferred_name or client.given_name}, yes, let's put that on "
        "the agenda for Thursday. I've set a thought record and a short daily "
        "breathing practice in your portal. See you then.",
        by=clinician,
    )
    return {
        "role": "client",
        "name": f"{client.given_name} {client.family_name}",
        "email": user.email,
        "password": password,
        "totp_secret": "",
    }
