"""``alliance demo``: seed an invented practice so every page has content.

Everything is written through the apps' service functions, as a clinician's
clicks would be, so the demo exercises the same rules, audit and encryption.
Each staff account gets a random password and a TOTP secret: two-factor
authentication stays real, and the logins are printed and kept in
``var/demo-logins.json`` (mode 0600) so ``make run`` can show them again.
"""

from __future__ import annotations

import base64
import json
import os
import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Practice, User
from alliance.accounts.services import (
    add_staff_member,
    add_totp_device,
    create_practice,
    start_supervision,
)
from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert
from alliance.clients.models import Client, Episode
from alliance.clients.services import (
    publish_consent_text,
    record_consent,
    register_client,
    transition_episode,
)
from alliance.demo import content
from alliance.demo.episodes import open_episode
from alliance.demo.seed_adsm import seed_adsm
from alliance.demo.seed_alerts import seed_alerts
from alliance.demo.seed_billing import seed_billing
from alliance.demo.seed_cover import seed_cover
from alliance.demo.seed_endings import seed_endings, write_ending
from alliance.demo.seed_journal import seed_journal
from alliance.demo.seed_phone import seed_phone
from alliance.demo.seed_plans import seed_intakes_and_plans
from alliance.demo.seed_portal import seed_portal_client
from alliance.demo.seed_sign import seed_sign
from alliance.demo.seed_supervision import seed_supervision
from alliance.demo.stories import practice_texts
from alliance.measures.services import record_administration, schedule_measure
from alliance.measures.tracking import sweep as tracking_sweep
from alliance.notes.models import ProgressNote
from alliance.notes.services import (
    add_addendum,
    cosign_note,
    save_draft,
    save_process_note,
    sign_note,
    start_session,
)
from alliance.scheduling.models import Appointment
from alliance.scheduling.services import book_appointment, set_status

P = Episode.Phase
# The practice and its staff: data/practice.json (alliance.demo.stories).
PRACTICE, STAFF = practice_texts()
ZONE = PRACTICE["time_zone"]
# Weeks since referral, by the phase each demo client is in now.
WEEKS_AGO: dict[str, tuple[int, int]] = {
    P.REFERRAL: (0, 1),
    P.ASSESSMENT: (2, 3),
    P.ACTIVE: (6, 16),
    P.TERMINATION: (14, 20),
    P.AFTERCARE: (20, 26),
    P.CLOSED: (24, 32),
}
PHASES = (
    [P.REFERRAL] * 4
    + [P.ASSESSMENT] * 4
    + [P.ACTIVE] * 12
    + [P.TERMINATION] * 3
    + [P.AFTERCARE] * 3
    + [P.CLOSED] * 4
)


def logins_path() -> Any:
    return settings.VAR_DIR / "demo-logins.json"


class Command(BaseCommand):
    help = "Seed a demo practice (invented data) and print its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed when the database has no practice; otherwise print the logins.",
        )
        parser.add_argument(
            "--password", help="One password for every demo account (default: random)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Practice.objects.exists():
            if options["if_empty"]:
                self._print_logins()
                return
            raise CommandError(
                "The database already holds a practice; the demo seeds an empty one "
                "(remove var/alliance.sqlite3 to start again)."
            )
        self.rng = random.Random(2026)  # noqa: S311 - invented data, not secrets
        self.now = timezone.now()
        self.zone = ZoneInfo(ZONE)
        logins = self._seed(options.get("password"))
        path = logins_path()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(logins, fh, indent=2)
        self._print_logins()

    def _print_logins(self) -> None:
        path = logins_path()
        if not path.exists():
            self.stdout.write(
                "Demo logins are not on this machine (var/demo-logins.json)."
            )
            return
        self.stdout.write("\nDemo logins (invented practice; 2FA is real):")
        for login in json.loads(path.read_text()):
            second = (
                f"   TOTP secret: {login['totp_secret']}"
                if login["totp_secret"]
                else "   (portal client: password only)"
            )
            self.stdout.write(
                f"  {login['role']:<11} {login['email']:<34} password: {login['password']}"
                + second
            )
        self.stdout.write(
            "Add the secret to an authenticator app, or print the current code with\n"
            "  .venv/bin/python -m alliance.demo.totp SECRET\n"
        )

    # Seeding ---------------------------------------------------------------

    @transaction.atomic
    def _seed(self, password: str | None) -> list[dict[str, str]]:
        practice = create_practice(**PRACTICE)
        staff: dict[str, User] = {}
        logins = []
        for key, email, name, role, credentials in STAFF:
            pw = password or secrets.token_urlsafe(12)
            user = add_staff_member(
                practice,
                email=email,
                full_name=name,
                role=role,
                password=pw,
                credentials=credentials,
            )
            device = add_totp_device(user)
            secret = base64.b32encode(device.bin_key).decode().rstrip("=")
            staff[key] = user
            logins.append(
                {
                    "role": role,
                    "name": name,
                    "email": email,
                    "password": pw,
                    "totp_secret": secret,
                }
            )
        admin = staff["admin"]
        start_supervision(supervisor=staff["sam"], supervisee=staff["alice"], by=admin)
        start_supervision(supervisor=staff["sam"], supervisee=staff["ben"], by=admin)
        publish_consent_text(
            practice, title="Agreement to therapy", body=content.CONSENT_V1, by=admin
        )
        self.consent_text = publish_consent_text(
            practice, title="Agreement to therapy", body=content.CONSENT_V2, by=admin
        )
        self.staff = staff
        clinicians = [staff["alice"], staff["ben"], staff["chloe"]]
        phases = list(PHASES)
        self.rng.shuffle(phases)
        caseload_index: dict[int, int] = {}
        self.clients: list[tuple[Client, str]] = []
        # Courses follow i % 6 and clinicians i % 3, so only Chloe's clients
        # would get worse: Alice's last client in active treatment does too,
        # so the demo clinician's own caseload has someone not on track.
        self.worsening = max(
            i for i, phase in enumerate(phases[:27]) if i % 3 == 0 and phase == P.ACTIVE
        )
        for i, (row, phase) in enumerate(zip(content.CLIENTS, phases, strict=True)):
            clinician = staff["sam"] if i >= 27 else clinicians[i % 3]
            j = caseload_index.get(clinician.pk, 0)
            caseload_index[clinician.pk] = j + 1
            client = self._client(i, row, clinician, phase, slot=j)
            self.clients.append((client, phase))
        seed_intakes_and_plans(
            self.clients, staff=self.staff, now=self.now, zone=self.zone, rng=self.rng
        )
        seed_adsm(self.clients, rng=self.rng)
        self._today()
        self._risk_and_supervision()
        seed_supervision(self.clients, staff=staff, now=self.now)
        seed_cover(staff, today=practice.today())
        # The portal client: Alice's second client in active treatment (her
        # first carries the open risk alert).
        portal_client = [
            c
            for c, p in self.clients
            if p == P.ACTIVE and c.clinician_id == staff["alice"].pk
        ][1]
        logins.append(
            seed_portal_client(
                portal_client,
                clinician=staff["alice"],
                password=password or secrets.token_urlsafe(12),
                now=self.now,
                rng=self.rng,
            )
        )
        seed_sign(portal_client, now=self.now, rng=self.rng)
        seed_journal(portal_client, now=self.now)
        seed_phone(portal_client, now=self.now)
        seed_billing(
            practice,
            admin=admin,
            clinicians=clinicians,
            portal_client=portal_client,
            sliding_client=next(
                c for c, p in self.clients if p == P.ACTIVE and c != portal_client
            ),
        )
        logins += seed_endings(
            self.clients, staff=self.staff, now=self.now, password=password
        )
        seed_alerts(self.clients, staff=self.staff, now=self.now, zone=self.zone)
        # The worker refits expected-recovery curves every few hours; fit
        # them now so "not on track" reflects the seeded history at once.
        tracking_sweep()
        return logins

    def _client(
        self, i: int, row: tuple, clinician: User, phase: str, *, slot: int
    ) -> Client:
        given, family, preferred, pronouns, source, reason = row
        low, high = WEEKS_AGO[phase]
        referred = self.now - timedelta(weeks=self.rng.uniform(low, high), hours=1)
        today = timezone.localtime(self.now, self.zone).date()
        born = date(today.year - content.AGES[i], 1 + i % 12, 1 + (i * 3) % 27)
        client = register_client(
            by=clinician,
            clinician=clinician,
            at=referred,
            given_name=given,
            family_name=family,
            preferred_name=preferred,
            pronouns=pronouns,
            date_of_birth=born,
            email=f"{given.lower()}.{family.lower().replace(chr(39), '')}@mail.example",
            phone=f"07700 900{100 + i:03d}",
            emergency_contact_name="Next of kin (demo)",
            emergency_contact_relationship="Family",
            emergency_contact_phone=f"07700 900{500 + i:03d}",
            referral_source=source,
            referral_reason=reason,
        )
        if phase == P.REFERRAL:
            return client
        episode = open_episode(client)
        if phase == P.CLOSED and i % 4 == 0:
            # Some referrals never start: offered an assessment, no reply.
            transition_episode(
                episode,
                P.CLOSED,
                by=clinician,
                at=referred + timedelta(days=21),
                discharge=Episode.DischargeReason.NOT_SUITABLE,
                reason="No response to two offers of assessment.",
            )
            return client
        transition_episode(
            episode,
            P.ASSESSMENT,
            by=clinician,
            at=referred + timedelta(days=3),
            reason="Assessment offered and accepted.",
        )
        weekday, hour = slot % 5, 9 + slot // 5
        sessions = self._session_dates(
            referred + timedelta(days=7), weekday, hour, phase
        )
        structure = ("soap", "dap", "birp")[i % 3]
        first = sessions[0]
        record_consent(
            episode,
            consent_text=self.consent_text,
            method="signed_paper",
            given_at=first,
            by=clinician,
        )
        self._hold(client, first, structure, index=0)
        course = self._course(i, len(sessions), kind=5 if i == self.worsening else None)
        self._measure(client, first, *course[0])
        if phase == P.ASSESSMENT:
            self._upcoming(client, weekday, hour)
            return client
        transition_episode(
            episode,
            P.ACTIVE,
            by=clinician,
            at=first + timedelta(hours=2),
            reason="Formulation shared; agreed a course of CBT-informed therapy.",
        )
        for code in ("phq9", "gad7"):
            schedule_measure(
                episode,
                code,
                when="every_session",
                by=clinician,
                share_with_client=i % 2 == 0,
            )
        for n, when in enumerate(sessions[1:], start=1):
            if n % 9 == 4:
                appt = self._book(client, when)
                set_status(appt, Appointment.Status.NO_SHOW, by=clinician)
                continue
            self._hold(client, when, structure, index=n)
            self._measure(client, when, *course[n])
        last = sessions[-1]
        if phase == P.ACTIVE:
            self._upcoming(client, weekday, hour)
            return client
        # Intake and plan are written while the episode is still active.
        seed_intakes_and_plans(
            [(client, phase)],
            staff=self.staff,
            now=self.now,
            zone=self.zone,
            rng=self.rng,
        )
        transition_episode(
            episode,
            P.TERMINATION,
            by=clinician,
            at=last - timedelta(days=13),
            reason="Goals largely met; planning an ending over the last sessions.",
        )
        if phase == P.TERMINATION:
            self._upcoming(client, weekday, hour)
            return client
        # The ending is written while the episode is still in termination.
        write_ending(client, clinician=clinician)
        transition_episode(
            episode,
            P.AFTERCARE,
            by=clinician,
            at=last + timedelta(hours=3),
            reason="Final session held; follow-up check-ins agreed.",
        )
        if phase == P.CLOSED:
            transition_episode(
                episode,
                P.CLOSED,
                by=clinician,
                at=last + timedelta(days=28),
                discharge=Episode.DischargeReason.COMPLETED,
                reason="Follow-up complete; discharged with a relapse-prevention plan.",
            )
        return client

    def _session_dates(
        self, start: datetime, weekday: int, hour: int, phase: str
    ) -> list[datetime]:
        """Weekly sessions on the client's slot, from start until yesterday
        (earlier endings for clients who have finished)."""
        day = timezone.localtime(start, self.zone).date()
        while day.weekday() != weekday:
            day += timedelta(days=1)
        today = timezone.localtime(self.now, self.zone).date()
        end = today
        if phase in (P.AFTERCARE, P.CLOSED):
            end = today - timedelta(weeks=8 if phase == P.CLOSED else 4)
        dates = []
        while day < end:
            dates.append(datetime.combine(day, time(hour), tzinfo=self.zone))
            day += timedelta(days=7)
        if not dates:
            dates.append(
                datetime.combine(
                    end - timedelta(days=(end.weekday() - weekday) % 7 or 7),
                    time(hour),
                    tzinfo=self.zone,
                )
            )
        return dates

    def _book(self, client: Client, when: datetime) -> Appointment:
        return book_appointment(
            client=client,
            clinician=client.clinician,
            starts_at=when,
            duration_minutes=50,
            modality=("in_person", "video", "in_person")[when.day % 3],
            location="Room 2" if when.day % 3 != 1 else "",
            by=client.clinician,
        )

    def _write(
        self,
        client: Client,
        when: datetime,
        structure: str,
        *,
        sign: bool = True,
        **fields: Any,
    ) -> ProgressNote:
        """Hold a booked session and write its progress note, signed by default."""
        session = start_session(
            self._book(client, when), by=client.clinician, structure=structure
        )
        note = session.progress_note
        note = save_draft(note, by=client.clinician, version=note.version, **fields)
        return sign_note(note, by=client.clinician) if sign else note

    def _hold(
        self, client: Client, when: datetime, structure: str, *, index: int
    ) -> ProgressNote:
        texts: dict[str, Any] = {
            "soap": content.SOAP,
            "dap": content.DAP,
            "birp": content.BIRP,
        }
        sections = texts[structure][index % len(texts[structure])]
        fields = {f"section_{k + 1}": text for k, text in enumerate(sections)}
        note = self._write(client, when, structure, risk_level="none", **fields)
        if index % 5 == 2:
            save_process_note(
                note.session,
                by=client.clinician,
                text=content.PROCESS_NOTES[index % len(content.PROCESS_NOTES)],
            )
        return note

    @staticmethod
    def _course(
        i: int, sessions: int, *, kind: int | None = None
    ) -> list[tuple[int, int]]:
        """PHQ-9 and GAD-7 totals per session. Most clients recover, some improve
        without recovering, some do not change, and some get worse, so the
        charts, outcome rates and not-on-track flags all have something to show
        (``kind`` picks the course instead of ``i``)."""
        kind = i % 6 if kind is None else kind
        start, end = {
            0: ((17, 14), (5, 4)),
            1: ((19, 15), (6, 5)),
            2: ((15, 12), (4, 3)),
            3: ((16, 13), (11, 9)),
            4: ((14, 12), (14, 12)),
            5: ((11, 9), (18, 15)),
        }[kind]
        course = []
        for n in range(sessions):
            f = n / max(sessions - 1, 1)
            wobble = (1, -1, 0, 1, 0, -1)[(n + i) % 6] if kind == 4 else (n + i) % 3 - 1
            phq = round(start[0] + (end[0] - start[0]) * f) + (
                wobble if 0 < n < sessions - 1 else 0
            )
            gad = round(start[1] + (end[1] - start[1]) * f)
            course.append((max(0, min(24, phq)), max(0, min(21, gad))))
        return course

    def _measure(self, client: Client, when: datetime, phq: int, gad: int) -> None:
        """The client's PHQ-9 and GAD-7 at the start of a session (item 9 is 0:
        the demo's one open risk alert comes from a session's risk check)."""

        def spread(total: int, items: int) -> dict[str, int]:
            answers = {}
            for k in range(1, items + 1):
                answers[f"q{k}"] = min(3, total)
                total -= answers[f"q{k}"]
            return answers

        episode = open_episode(client)
        at = when + timedelta(minutes=2)
        record_administration(
            episode, "phq9", {**spread(phq, 8), "q9": 0}, by=client.clinician, at=at
        )
        record_administration(
            episode, "gad7", spread(gad, 7), by=client.clinician, at=at
        )

    def _upcoming(self, client: Client, weekday: int, hour: int) -> None:
        day = timezone.localtime(self.now, self.zone).date() + timedelta(days=1)
        while day.weekday() != weekday:
            day += timedelta(days=1)
        self._book(client, datetime.combine(day, time(hour), tzinfo=self.zone))

    def _today(self) -> None:
        """Today's diary: a session that has just ended (its note still to write,
        as in the browser walk-through), and later appointments."""
        now = timezone.localtime(self.now, self.zone).replace(second=0, microsecond=0)
        just_ended = now - timedelta(minutes=70 + now.minute % 10)
        active: dict[int, list[Any]] = {c.clinician_id: [] for c, _ in self.clients}
        for c, phase in self.clients:
            if phase == P.ACTIVE:
                active[c.clinician_id].append(c)
        alice, ben, chloe = self.staff["alice"], self.staff["ben"], self.staff["chloe"]
        self._book(active[alice.pk][0], just_ended)
        self._book(active[alice.pk][1], just_ended + timedelta(hours=3))
        for offset, clinician in ((2, ben), (4, chloe)):
            if active.get(clinician.pk):
                self._book(
                    active[clinician.pk][0], just_ended + timedelta(hours=offset)
                )
        # Two drafts left unsigned, so the home page shows them.
        for client in active[alice.pk][2:4]:
            last_held = (
                client.appointments.filter(status="held").order_by("-starts_at").first()
            )
            if last_held is None:
                continue
            # Signed notes cannot reopen, so a later session carries the draft.
            when = last_held.starts_at + timedelta(hours=3)
            self._draft(client, when)

    def _draft(self, client: Client, when: datetime) -> None:
        self._write(
            client,
            when,
            "soap",
            sign=False,
            section_1="Talked about the week; more to add after supervision.",
        )

    def _afternoon(self, *, days_ago: int, hour: int) -> datetime:
        day = timezone.localtime(self.now, self.zone).date() - timedelta(days=days_ago)
        return datetime.combine(day, time(hour, 30), tzinfo=self.zone)

    def _risk_and_supervision(self) -> None:
        alice, ben, sam = self.staff["alice"], self.staff["ben"], self.staff["sam"]
        at_risk = next(
            c for c, p in self.clients if p == P.ACTIVE and c.clinician_id == alice.pk
        )
        # Late-afternoon slots: the regular weekly slots are all before 15:00.
        self._write(  # signing raises the open alert on Alice's home page
            at_risk,
            self._afternoon(days_ago=2, hour=16),
            "soap",
            section_1="Described a very low week after a row with her sister.",
            section_2="Flat affect, slowed speech; engaged when we talked about her children.",
            section_3="Low mood with passive thoughts of death; no plan or intent.",
            section_4="Safety plan reviewed; call on Friday; bring forward next session.",
            risk_level="moderate",
            risk_notes=content.RISK_NOTE,
        )
        # An earlier alert of Ben's, already acknowledged with the action taken.
        ben_client = next(
            c for c, p in self.clients if p == P.ACTIVE and c.clinician_id == ben.pk
        )
        self._write(
            ben_client,
            self._afternoon(days_ago=9, hour=17),
            "birp",
            section_1="Reported urges to drink heavily after a stressful day.",
            section_2="Explored the urge cycle and alternatives.",
            section_3="Engaged; agreed a plan for the weekend.",
            section_4="Check in about drinking next session.",
            risk_level="low",
            risk_notes="Drinking to cope; no thoughts of self-harm.",
        )
        alert = RiskAlert.objects.open().get(client=ben_client)
        acknowledge_alert(
            alert,
            by=ben,
            action_taken="Discussed at next session; drink diary agreed; GP informed with consent.",
        )
        # Sam has co-signed the older notes of his supervisees; recent ones await him.
        cutoff = self.now - timedelta(weeks=3)
        for note in ProgressNote.objects.filter(
            author__in=[alice, ben],
            signed_at__isnull=False,
            session__held_at__lt=cutoff,
        ).order_by("id")[:40]:
            cosign_note(note, by=sam)
        signed = ProgressNote.objects.filter(
            author=alice, signed_at__isnull=False
        ).first()
        add_addendum(
            signed,  # type: ignore[arg-type]  # alice signed notes just above
            by=alice,
            text="Correction: the homework agreed was twice this week, not daily.",
        )
