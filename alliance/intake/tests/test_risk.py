from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alliance.alerts.models import RiskAlert
from alliance.alerts.services import acknowledge_alert, raise_alert
from alliance.intake import services
from alliance.intake.services import save_section
from alliance.intake.tests.helpers import NO_RISK, save, section


def _risk(intake, **fields):
    return save(intake, "risk", **{**NO_RISK, **fields})


def test_it_raises_an_alert_for_a_high_judgement(alice, cleo, intake):
    _risk(intake, risk_level="high")
    alert = RiskAlert.objects.get()
    assert alert.client == cleo
    assert alert.episode == intake.episode
    assert alert.severity == RiskAlert.Severity.HIGH
    assert alert.source == "Intake risk screen"
    assert alert.source_type == "intake.intake"
    assert alert.source_uuid == intake.uuid
    assert alert.raised_by == alice
    assert alert.is_open is True
    assert alert.summary == (
        "Risk judged high at intake. Current thoughts of self-harm or suicide: no. "
        "Current thoughts of harming others: no. See the intake's risk screen for "
        "history and protective factors."
    )


@pytest.mark.parametrize(
    ("fields", "severity"),
    [
        ({"risk_level": "moderate"}, "medium"),
        ({"risk_level": "high"}, "high"),
        ({"current_self_harm_thoughts": "yes"}, "low"),
        ({"current_harm_to_others_thoughts": "yes"}, "low"),
    ],
)
def test_it_raises_an_alert_for_each_risk_signal(intake, fields, severity):
    _risk(intake, **fields)
    assert RiskAlert.objects.get().severity == severity


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"current_self_harm_thoughts": "unsure"},
        {"current_harm_to_others_thoughts": "unsure"},
    ],
)
def test_it_raises_no_alert_without_a_risk_signal(intake, fields):
    _risk(intake, **fields)
    assert RiskAlert.objects.count() == 0


def test_it_raises_exactly_one_alert_while_it_is_open(intake):
    _risk(intake, risk_level="high")
    _risk(intake, risk_level="high", history="Overdose in 2015.")
    _risk(intake, risk_level="moderate", current_self_harm_thoughts="yes")
    assert RiskAlert.objects.count() == 1


def test_it_raises_again_after_the_first_is_acknowledged(alice, intake):
    _risk(intake, risk_level="high")
    acknowledge_alert(
        RiskAlert.objects.get(), by=alice, action_taken="Safety plan agreed."
    )
    _risk(intake, risk_level="high")
    assert RiskAlert.objects.count() == 2
    assert RiskAlert.objects.open().count() == 1


def test_it_is_not_held_back_by_an_alert_from_elsewhere(cleo, intake):
    raise_alert(cleo, source="Session risk check", summary="From a note.")
    _risk(intake, risk_level="moderate")
    assert [a.source for a in RiskAlert.objects.open()].count("Intake risk screen") == 1


def test_it_does_not_save_the_screen_if_the_alert_cannot_be_raised(intake, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("alerts unavailable")

    monkeypatch.setattr(services, "raise_alert", broken)
    with pytest.raises(RuntimeError):
        _risk(intake, risk_level="high")
    stored = section(intake, "risk")
    assert (stored.risk_level, stored.version) == ("", 1)


def test_it_requires_a_risk_judgement(alice, intake):
    fields = {**NO_RISK, "risk_level": ""}
    with pytest.raises(ValidationError, match="Record your judgement of current risk"):
        save_section(intake, "risk", by=alice, version=1, **fields)
    assert section(intake, "risk").version == 1


def test_it_offers_no_not_assessed_level(alice, intake):
    fields = {**NO_RISK, "risk_level": "not_assessed"}
    with pytest.raises(ValidationError, match="low, moderate or high"):
        save_section(intake, "risk", by=alice, version=1, **fields)


def test_it_requires_both_questions_answered(alice, intake):
    fields = {**NO_RISK, "current_harm_to_others_thoughts": ""}
    with pytest.raises(ValidationError, match="Current thoughts of harming others"):
        save_section(intake, "risk", by=alice, version=1, **fields)


def test_it_keeps_stored_answers_when_saving_only_the_history(alice, intake):
    _risk(intake)
    save(intake, "risk", history="Cut herself aged 15.")
    stored = section(intake, "risk")
    assert (stored.risk_level, stored.history) == ("low", "Cut herself aged 15.")


def test_it_says_so_on_the_page(as_user, alice, intake):
    response = as_user(alice).post(
        reverse("intake:section", args=[intake.uuid, "risk"]),
        {**NO_RISK, "risk_level": "high", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "The risk you recorded has an open risk alert" in response.text
    assert RiskAlert.objects.count() == 1
