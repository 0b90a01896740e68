from __future__ import annotations

import json
import stat
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from alliance.accounts.models import User
from alliance.aftercare.models import BoosterRequest, FollowUp
from alliance.aftercare.selectors import open_booster_requests
from alliance.aftercare.services import ALERT_SOURCE
from alliance.alerts.models import RiskAlert
from alliance.clients.models import Client, Episode
from alliance.core.crypto import reset_keyring_cache
from alliance.fhir.tests.helpers import reparse
from alliance.intake.models import Intake
from alliance.measures.engine import get_instrument
from alliance.measures.models import Administration
from alliance.notes.models import ProgressNote
from alliance.plans.models import Goal, SessionPlanRecord, TreatmentPlan
from alliance.plans.selectors import reviews_due
from alliance.plans.services import t_score_history
from alliance.scheduling.models import Appointment
from alliance.techniques.library import get_technique
from alliance.termination.models import (
    ReadinessReview,
    RelapsePreventionPlanVersion,
    TerminationSummary,
)
from conftest import log_in, settings_for_tests, shared_data


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for the module (it takes seconds): each test reads
    it inside its own savepoint, and the whole is rolled back at the end."""
    path = tmp_path_factory.mktemp("demo")
    with shared_data(django_db_blocker, path), override_settings(VAR_DIR=path):
        out = StringIO()
        call_command("demo", password="demo-password-for-tests", stdout=out)
        yield path, out.getvalue()


@pytest.fixture
def seeded(_demo, db, settings):
    path, output = _demo
    # The demo's fields are encrypted with the module's keys, not a fresh set.
    settings.VAR_DIR = path
    for name, value in settings_for_tests(path).items():
        setattr(settings, name, value)
    reset_keyring_cache()
    return output


def test_it_fills_every_phase(seeded):
    phases = set(Episode.objects.values_list("phase", flat=True))
    assert phases == set(Episode.Phase.values)
    assert Client.objects.count() == 30


def test_every_open_episode_is_held_by_its_client_s_clinician(seeded):
    """What ``Episode.objects.open_in_caseload_of`` rests on, over the whole
    demo (clients moved on leave and between clinicians included)."""
    from django.db.models import F

    open_episodes = Episode.objects.open()
    assert open_episodes.count() > 10
    assert not open_episodes.exclude(clinician_id=F("client__clinician_id")).exists()


def test_it_gives_pages_content(seeded):
    assert Appointment.objects.filter(status="held").count() > 100
    assert ProgressNote.objects.filter(signed_at__isnull=True).count() == 2
    assert ProgressNote.objects.filter(cosigned_at__isnull=False).exists()
    assert (
        sum(
            a.source not in ("Aftercare follow-up", "Portal check-in")
            for a in RiskAlert.objects.open()
        )
        == 1
    )


def test_it_keeps_a_duty_rota_and_an_escalated_alert(seeded):
    from alliance.accounts.duty import duty_clinicians
    from alliance.accounts.models import DutyShift, Practice

    practice = Practice.objects.get()
    today = practice.today()
    assert duty_clinicians(practice, on=today).count() == 1
    assert DutyShift.objects.filter(date__gt=today + timedelta(weeks=5)).exists()
    [alert] = [a for a in RiskAlert.objects.open() if a.source == "Portal check-in"]
    assert alert.severity == "high" and alert.escalated_at is not None
    sent = alert.notifications.filter(status="sent")
    assert {n.reason for n in sent} >= {"clinician", "supervisor"}


def test_it_gives_months_of_scores_with_every_course(seeded):
    from alliance.accounts.models import User
    from alliance.measures.models import Administration
    from alliance.measures.tracking import not_on_track

    assert Administration.objects.filter(instrument="phq9").count() > 150
    flagged = [
        f
        for u in User.objects.filter(role__in=["clinician", "supervisor"])
        for f in not_on_track(u)
    ]
    assert flagged, "the demo shows a client who is not on track"
    # The demo clinician's own caseload has one (the caseload filter's walk).
    assert any(f.client.clinician.email.startswith("alice.") for f in flagged)
    firsts_and_lasts = {}
    for a in Administration.objects.filter(
        instrument="phq9", total__isnull=False
    ).order_by("taken_at"):
        firsts_and_lasts.setdefault(a.episode_id, [a.total, a.total])[1] = a.total
    changes = [last - first for first, last in firsts_and_lasts.values()]
    assert min(changes) <= -10  # recovery
    assert max(changes) >= 6  # reliable deterioration
    assert any(abs(c) <= 1 for c in changes)  # no change


def test_it_prints_and_keeps_the_logins(seeded):
    assert "alice.moreno@riverside.example" in seeded
    assert "TOTP secret" in seeded
    path = settings.VAR_DIR / "demo-logins.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    logins = json.loads(path.read_text())
    assert {x["role"] for x in logins} == {"admin", "clinician", "supervisor", "client"}


def test_if_empty_only_prints_the_logins(seeded):
    out = StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert Client.objects.count() == 30
    assert "alice.moreno@riverside.example" in out.getvalue()


def test_it_refuses_to_seed_a_database_in_use(seeded):
    with pytest.raises(CommandError, match="already holds a practice"):
        call_command("demo")


def test_it_gives_the_portal_client_things_to_do_and_read(seeded):
    from alliance.checkins.models import CheckIn
    from alliance.clients.models import Client
    from alliance.homework.models import HomeworkAssignment
    from alliance.messaging.selectors import unread_for_client
    from alliance.toolbox.models import CopingSkill

    client = Client.objects.get(user__email="maya.fernandes@mail.example")
    assert client.user.check_password("demo-password-for-tests")
    templates = set(
        HomeworkAssignment.objects.filter(client=client).values_list(
            "template", flat=True
        )
    )
    assert {"thought_record", "relaxation_practice"} <= templates
    assert CheckIn.objects.filter(client=client).count() >= 5
    assert CopingSkill.objects.filter(client=client).count() == 3
    assert unread_for_client(client) == 1
    logins = json.loads((settings.VAR_DIR / "demo-logins.json").read_text())
    assert any(x["role"] == "client" and x["totp_secret"] == "" for x in logins)


def test_it_puts_one_clinician_on_leave_with_cover(seeded):
    from alliance import permissions
    from alliance.accounts.models import User

    alice = User.objects.get(email="alice.moreno@riverside.example")
    sam = User.objects.get(email="sam.whitfield@riverside.example")
    assert permissions.covered_clinician_ids(alice) == [sam.pk]


def test_it_gives_anxiety_measures_wsas_and_employment(seeded):
    from alliance.accounts.models import Practice
    from alliance.measures.adsm import ADSM_CODES
    from alliance.measures.models import Administration, EmploymentStatus
    from alliance.measures.outcome_sections import outcome_sections

    codes = set(Administration.objects.current().values_list("instrument", flat=True))
    assert "wsas" in codes
    assert len(codes & set(ADSM_CODES)) >= 2
    assert EmploymentStatus.objects.filter(stage="start").exists()
    assert EmploymentStatus.objects.filter(stage="end").exists()
    sections = outcome_sections(Practice.objects.get())
    paired = {row.code for row in sections["adsm"].rows}
    assert "gad7" in paired
    assert paired & set(ADSM_CODES)
    assert sections["work"].wsas_paired > 0


def test_its_outcomes_page_has_finished_courses_waits_and_open_episodes(seeded):
    from alliance.accounts.models import Practice
    from alliance.measures.outcomes import practice_outcomes
    from alliance.measures.service_figures import episode_records, waits

    practice = Practice.objects.get()
    result = practice_outcomes(practice)
    # Aftercare and closed clients finished courses of treatment; the ones
    # still in treatment are counted apart.
    assert result.overall.finished >= 3
    assert result.open.ended > 0
    assert Appointment.objects.filter(purpose="assessment", status="held").exists()
    assert waits(episode_records(practice)).median_to_treatment is not None


def test_the_portal_client_signed_the_plan_and_rated_own_goals(seeded):
    from alliance.clients.models import Client
    from alliance.plans.models import GoalSelfRating, PlanAcknowledgement

    client = Client.objects.get(user__email="maya.fernandes@mail.example")
    ack = PlanAcknowledgement.objects.get(
        version__plan__episode__client=client, digest__gt=""
    )
    assert ack.digest == ack.version.content_digest()
    assert GoalSelfRating.objects.filter(goal__episode__client=client).exists()


def test_the_portal_client_can_join_a_session_soon_and_sign_a_reviewed_plan(
    seeded,
):
    from django.utils import timezone

    from alliance.plans.models import TreatmentPlan
    from alliance.scheduling import requests, video

    client = Client.objects.get(user__email="maya.fernandes@mail.example")
    now = timezone.now()
    booked = list(client.appointments.filter(status="booked"))
    # An online session whose join link is open within minutes of seeding.
    assert any(video.can_join(a, now + timedelta(minutes=5)) for a in booked), (
        "no video session to join"
    )
    # And one far enough ahead to ask to move without being late.
    assert any(
        requests.may_request(a, now) and not requests.is_late(a, now) for a in booked
    )
    plan = TreatmentPlan.objects.select_related("current").get(episode__client=client)
    assert plan.current.number > 1
    assert not hasattr(plan.current, "acknowledgement")


def test_it_records_supervision_and_leaves_notes_to_cosign(seeded):
    from alliance.accounts.models import User
    from alliance.notes.selectors import cosign_summary
    from alliance.supervision.models import SupervisionSession

    sam = User.objects.get(email__startswith="sam.")
    sessions = list(SupervisionSession.objects.filter(supervisor=sam))
    assert len(sessions) >= 3
    assert {s.supervisee.email.split(".")[0] for s in sessions} == {"alice", "ben"}
    assert all(s.discussed.count() >= 1 for s in sessions)
    assert any(s.is_final for s in sessions)
    assert all(
        d.client.clinician_id == s.supervisee_id
        for s in sessions
        for d in s.discussed.select_related("client")
    )
    # The browser walk co-signs three in a row from the queue.
    assert cosign_summary(sam).count >= 3


def test_the_portal_client_has_a_paid_and_an_open_invoice(seeded):
    from alliance.billing.selectors import billable_sessions, client_account
    from alliance.clients.models import Client

    client = Client.objects.get(user__email="maya.fernandes@mail.example")
    statuses = sorted(i.status for i in client_account(client).invoices)
    assert statuses == ["open", "paid"]
    assert billable_sessions(practice=client.practice).exists()


P = Episode.Phase


# The demo's intakes, plans and endings (alliance.demo.seed_plans, seed_endings)
# and its FHIR bulk export, read from the module's one seeded demo.


def _relapse_plan(client: Client) -> RelapsePreventionPlanVersion:
    return RelapsePreventionPlanVersion.objects.get(plan__client=client)


def test_it_seeds_intakes_goals_and_plans(seeded):
    active = Episode.objects.filter(phase="active")
    assert active.count() == 12
    for episode in active:
        assert episode.intake.is_completed
        assert episode.intake.sections.get(key="risk").risk_level == "low"
    for intake in Intake.objects.filter(status="completed"):
        assert intake.sections.get(key="risk").risk_level == "low"
    for episode in Episode.objects.filter(phase="assessment"):
        assert episode.intake.status == Intake.Status.DRAFT
    plans = TreatmentPlan.objects.select_related("current")
    assert plans.count() >= 12
    for plan in plans:
        for slug in plan.current.interventions:
            get_technique(slug)
    assert plans.filter(current__number=2).count() >= 3
    assert plans.filter(current__number=1).count() >= 3
    assert Goal.objects.filter(status=Goal.Status.ACHIEVED).exists()
    moving = [
        e
        for e in Episode.objects.all()
        if len({round(p.t_score, 1) for p in t_score_history(e)}) > 1
    ]
    assert len(moving) >= 8
    assert "Intake risk screen" not in [a.source for a in RiskAlert.objects.all()]
    # Beside the aftercare deterioration and the escalated check-in (seed_alerts),
    # one open alert: the session risk check.
    assert (
        sum(
            a.source not in ("Aftercare follow-up", "Portal check-in")
            for a in RiskAlert.objects.open()
        )
        == 1
    )


def test_it_shows_the_demo_plans_on_their_pages(seeded, client):
    plan = TreatmentPlan.objects.filter(
        current__number=2, episode__phase="active"
    ).first()
    episode = plan.episode
    clinician = episode.client.clinician
    log_in(client, clinician)
    session = SessionPlanRecord.objects.filter(session__episode=episode).first()
    for url in (
        reverse("plans:goals", args=[episode.uuid]),
        reverse("plans:plan", args=[episode.uuid]),
        reverse("plans:plan_version", args=[plan.current.uuid]),
        reverse("plans:session_record", args=[session.session.uuid]),
        reverse("intake:detail", args=[episode.intake.uuid]),
        reverse("chart:session", args=[session.session.uuid]),
        reverse("chart:client", args=[episode.client.uuid]),
    ):
        assert client.get(url).status_code == 200, url
    assert any(reviews_due(u) for u in User.objects.filter(role="clinician"))


def test_it_seeds_endings(seeded):

    ending = Client.objects.filter(episodes__phase=P.TERMINATION)
    assert ending.count() >= 1
    for client in ending:
        assert ReadinessReview.objects.filter(episode__client=client).exists()
        assert _relapse_plan(client).skills.exists()
    reviews = ReadinessReview.objects.filter(episode__phase=P.TERMINATION)
    assert reviews.filter(completed_at__isnull=False, ending="planned").exists()
    assert reviews.filter(completed_at__isnull=True).exclude(judgement="").exists()
    assert TerminationSummary.objects.filter(
        episode__phase=P.TERMINATION, finalised_at__isnull=True
    ).exists()

    after = Client.objects.filter(episodes__phase=P.AFTERCARE)
    assert after.count() >= 1
    for client in after:
        assert FollowUp.objects.filter(client=client).count() == 3
        summary = TerminationSummary.objects.get(episode__client=client)
        assert summary.is_finalised and summary.is_shared
        assert _relapse_plan(client).number == 1
    assert FollowUp.objects.filter(status=FollowUp.Status.OPEN).exists()
    done = FollowUp.objects.filter(status=FollowUp.Status.COMPLETED)
    assert done.filter(deteriorated=False).exists()
    worse = done.get(deteriorated=True)
    (alert,) = [a for a in RiskAlert.objects.open() if a.source == ALERT_SOURCE]
    assert alert.client == worse.client
    booster = BoosterRequest.objects.get(client=worse.client)
    assert booster.status == BoosterRequest.Status.REQUESTED
    assert open_booster_requests(worse.client.clinician) == [booster]
    # The clients who answered can sign in; their logins are printed.
    for followup in done:
        assert followup.client.user is not None
        assert followup.client.email in seeded


def _fhir_export(http):
    response = http.get("/fhir/$export", HTTP_PREFER="respond-async")
    assert response.status_code == 202
    manifest = http.get(response["Content-Location"]).json()
    assert manifest["error"] == []
    found: dict[str, list[dict]] = {}
    for output in manifest["output"]:
        body = http.get(output["url"]).content.decode()
        for line in body.splitlines():
            found.setdefault(output["type"], []).append(json.loads(line))
    return found


def _covering(users):
    """Supervisors first, then clinicians none of them covers: every client's
    record is exported once, by someone allowed to read it."""
    from alliance import permissions

    chosen, covered = [], set()
    for user in sorted(users, key=lambda u: u.role != User.Role.SUPERVISOR):
        clients = set(
            permissions.clients_readable_by(user).values_list("pk", flat=True)
        )
        if clients - covered:
            chosen.append(user)
            covered |= clients
    return chosen


def test_its_fhir_bulk_export_parses_line_by_line(seeded, client):
    clinicians = User.objects.filter(role__in=User.CLINICAL_ROLES, is_active=True)
    seen: set[tuple[str, str]] = set()
    phq9_totals = 0
    for user in _covering(clinicians):
        http = log_in(client, user)
        found = _fhir_export(http)
        for kind, resources in found.items():
            for resource in resources:
                assert resource["resourceType"] == kind
                if (kind, resource["id"]) not in seen:
                    reparse(resource)
                    seen.add((kind, resource["id"]))
        observations = {o["id"]: o for o in found.get("Observation", [])}
        for administration in Administration.objects.current().filter(
            instrument="phq9", client__in=user.caseload.all()
        ):
            panel = observations[str(administration.uuid)]
            assert panel["code"]["coding"][0]["code"] == "44249-1"
            total = observations[f"{administration.uuid.hex}-total"]
            assert total["code"]["coding"][0]["code"] == "44261-6"
            engine = get_instrument("phq9").score(administration.answer_dict())
            assert (
                total["valueQuantity"]["value"] == engine.total == administration.total
            )
            phq9_totals += 1
        client.logout()
    assert len(seen) > 500
    assert phq9_totals > 10
