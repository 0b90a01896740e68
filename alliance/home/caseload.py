"""The caseload page's filters (issue #17): name, phase, clinician, not on
track, open alerts, measures due and plan review due.

The page lives here, at the page level, because its filters read what later
apps store: the not-on-track verdicts (``measures.MeasureTrack``), the
measures' ``MeasureSchedule.next_due``, open ``alerts.RiskAlert`` rows and the
current treatment plan's ``next_review``. ``clients/`` (the spine) knows none of
them; ``alliance/urls.py`` keeps the page at ``/clients/`` as ``clients:list``.

Names are searched in SQL. A client's names are plain columns (only clinical
free text, such as the referral reason, is encrypted), so ``icontains`` on
them is sound and the database pages the result: no client is decrypted or
loaded beyond the page shown. Each word typed must be found in the first,
last or preferred name, so "ann smith" finds Ann Smith.

Every filter is one ``EXISTS`` or subquery on the caseload query, so the page
asks the same queries for 5 clients or 5,000: a count, the page's rows (with
each row's flags annotated) and the clinician choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from alliance.accounts.models import User
from alliance.alerts.models import RiskAlert
from alliance.clients.models import Client, Episode
from alliance.core.text import search_text
from alliance.measures.models import MeasureSchedule, MeasureTrack
from alliance.plans.models import TreatmentPlan
from alliance.plans.selectors import REVIEW_WINDOW

PAGE_SIZE = 50

# The yes/no filters: field name, the form's label, the active filter's label.
FLAGS: tuple[tuple[str, str, str], ...] = (
    ("off_track", "Not on track", "Not on track"),
    ("alerts", "Open risk alert", "Open risk alert"),
    ("measures_due", "Measures due", "Measures due"),
    ("review_due", "Plan review due", "Plan review due or overdue"),
)


class CaseloadFilterForm(forms.Form):
    """The caseload's filters, read from the query string. A value that does
    not fit (an unknown phase, a clinician not on the list) is an error on
    that field; the other filters still apply."""

    q = forms.CharField(required=False, label="Name")
    phase = forms.ChoiceField(
        required=False,
        label="Phase",
        choices=[("", "All phases"), *Episode.Phase.choices],
        error_messages={"invalid_choice": "Choose a phase from the list."},
    )
    clinician = forms.ChoiceField(
        required=False,
        label="Clinician",
        error_messages={"invalid_choice": "Choose a clinician from the list."},
    )
    off_track = forms.BooleanField(required=False, label=FLAGS[0][1])
    alerts = forms.BooleanField(required=False, label=FLAGS[1][1])
    measures_due = forms.BooleanField(required=False, label=FLAGS[2][1])
    review_due = forms.BooleanField(required=False, label=FLAGS[3][1])

    def __init__(self, data: Any, *, clinicians: list[User]) -> None:
        super().__init__(data)
        self.clinicians = {str(c.uuid): c for c in clinicians}
        self.fields["clinician"].choices = [  # type: ignore[attr-defined]  # a choice field
            ("", "All clinicians"),
            *((key, str(c)) for key, c in self.clinicians.items()),
        ]
        # Someone who sees only their own caseload is not offered the choice.
        self.offers_clinicians = len(self.clinicians) > 1

    def clean_q(self) -> str:
        return search_text(self.cleaned_data.get("q") or "")


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


@dataclass(frozen=True)
class Filters:
    """The filters that apply (valid ones only), as values and as query
    string parameters for links that keep them."""

    q: str = ""
    phase: str = ""
    clinician: User | None = None
    off_track: bool = False
    alerts: bool = False
    measures_due: bool = False
    review_due: bool = False

    @classmethod
    def from_form(cls, form: CaseloadFilterForm) -> Filters:
        form.is_valid()
        data = form.cleaned_data
        return cls(
            q=data.get("q") or "",
            phase=data.get("phase") or "",
            clinician=form.clinicians.get(data.get("clinician") or ""),
            off_track=bool(data.get("off_track")),
            alerts=bool(data.get("alerts")),
            measures_due=bool(data.get("measures_due")),
            review_due=bool(data.get("review_due")),
        )

    def params(self) -> dict[str, str]:
        found = {"q": self.q, "phase": self.phase}
        found["clinician"] = str(self.clinician.uuid) if self.clinician else ""
        for name, _, _ in FLAGS:
            found[name] = "1" if getattr(self, name) else ""
        return {key: value for key, value in found.items() if value}

    def url(self, *, without: str = "", page: int | None = None) -> str:
        params = {k: v for k, v in self.params().items() if k != without}
        if page is not None and page > 1:
            params["page"] = str(page)
        return f"?{urlencode(params)}" if params else ""

    def active(self) -> list[ActiveFilter]:
        labels = []
        if self.q:
            labels.append(("q", f"Name: “{self.q}”"))
        if self.phase:
            labels.append(("phase", f"Phase: {Episode.Phase(self.phase).label}"))
        if self.clinician:
            labels.append(("clinician", f"Clinician: {self.clinician}"))
        labels += [(name, text) for name, _, text in FLAGS if getattr(self, name)]
        return [ActiveFilter(text, self.url(without=key)) for key, text in labels]


def filtered_caseload(
    clients: QuerySet[Client], filters: Filters, *, today: date
) -> QuerySet[Client]:
    """``clients`` (the caseload the permissions allow) narrowed by ``filters``,
    each row annotated with its latest phase and flags, by name then id so
    pages never overlap."""
    in_care = ~Q(episode__phase=Episode.Phase.CLOSED)
    latest = Episode.objects.filter(client=OuterRef("pk")).order_by("-opened_at")
    review = (
        TreatmentPlan.objects.filter(in_care, episode__client=OuterRef("pk"))
        .order_by("current__next_review")
        .values("current__next_review")[:1]
    )
    rows = clients.annotate(
        latest_phase=Subquery(latest.values("phase")[:1]),
        off_track=Exists(
            MeasureTrack.objects.filter(in_care, client=OuterRef("pk"), on_track=False)
        ),
        open_alert=Exists(
            RiskAlert.objects.filter(
                client=OuterRef("pk"), acknowledged_at__isnull=True
            )
        ),
        measures_due=Exists(
            MeasureSchedule.objects.filter(
                in_care,
                episode__client=OuterRef("pk"),
                active=True,
                next_due__lte=today,
            )
        ),
        next_review=Subquery(review),
    )
    for word in filters.q.split():
        rows = rows.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    if filters.phase:
        # The phase of each client's latest episode, not of any past one.
        rows = rows.filter(latest_phase=filters.phase)
    if filters.clinician is not None:
        rows = rows.filter(clinician=filters.clinician)
    if filters.off_track:
        rows = rows.filter(off_track=True)
    if filters.alerts:
        rows = rows.filter(open_alert=True)
    if filters.measures_due:
        rows = rows.filter(measures_due=True)
    if filters.review_due:
        rows = rows.filter(next_review__lte=today + REVIEW_WINDOW)
    return rows.select_related("clinician").order_by("family_name", "given_name", "pk")


def caseload_page(
    clients: QuerySet[Client], filters: Filters, *, today: date, number: Any
) -> Page[Any]:
    """Page ``number`` of the filtered caseload (the first page for a number
    that is not one, the last for one past the end), each row given its
    phase's label and its plan review's state for the page."""
    rows = filtered_caseload(clients, filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    # Any: rows gain attributes for the template.
    shown: list[Any] = list(page.object_list)
    for row in shown:
        row.phase_label = (
            Episode.Phase(row.latest_phase).label if row.latest_phase else ""
        )
        due = row.next_review is not None and row.next_review <= today + REVIEW_WINDOW
        row.review = ("overdue" if row.next_review < today else "due") if due else ""
    page.object_list = shown
    return page
