"""The demo's texts come from data files checked with pydantic models."""

from __future__ import annotations

import json

import pytest

from alliance.demo import content, stories


def test_every_data_file_reads_and_the_texts_fit_together():
    texts = stories.plan_texts()
    assert len(texts.stories) >= 20
    assert all(story.measure in texts.measure_goals for story in texts.stories)
    practice, staff = stories.practice_texts()
    assert practice["time_zone"] == "Europe/London"
    assert {key for key, *_ in staff} >= {"admin", "alice", "ben", "sam"}
    assert len(content.CLIENTS) == len(content.AGES)
    assert content.CONSENT_V2.startswith(content.CONSENT_V1)


def test_a_mistyped_field_names_the_file_and_the_field(tmp_path, monkeypatch):
    data = json.loads((stories.DATA / "practice.json").read_text(encoding="utf-8"))
    data["staff"][1]["credentials"] = 7
    (tmp_path / "practice.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(stories, "DATA", tmp_path)
    with pytest.raises(ValueError) as caught:
        stories.read("practice.json", stories._PracticeFile)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "practice.json"))
    assert "staff.1.credentials" in message


def test_the_supervision_file_reads():
    from alliance.demo.seed_supervision import supervision_texts

    sessions = supervision_texts().sessions
    assert {s.supervisee for s in sessions} <= {"alice", "ben"}
    assert all(s.notes and s.actions for s in sessions)
