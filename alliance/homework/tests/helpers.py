from __future__ import annotations

from datetime import timedelta

from alliance.homework.services import assign_homework, client_today


def one_off(client, *, template="sf_scaling", instructions="Notice what helps."):
    """A one-off assignment due today for the client's open episode."""
    episode = client.current_episode()
    return assign_homework(
        episode,
        by=client.clinician,
        template=template,
        title="",
        instructions=instructions,
        due_date=client_today(episode),
    )


def daily(client, *, days_ago=0, template="relaxation_practice"):
    """A daily assignment whose first occurrence was ``days_ago`` days ago."""
    episode = client.current_episode()
    assignment = assign_homework(
        episode,
        by=client.clinician,
        template=template,
        title="Breathing practice",
        instructions="Ten minutes of slow breathing each day.",
        recurrence="daily",
    )
    assignment.starts_on -= timedelta(days=days_ago)
    assignment.save(update_fields=["starts_on"])
    return assignment


SCALING = {"today": 6, "step_up": "Walk to the shop", "went_better": "Slept well"}
RELAX = {"method": "breathing", "minutes": 10, "tension_before": 7, "tension_after": 3}
