from __future__ import annotations

from django.utils import timezone

from alliance.demo.seed_journal import ENTRIES, GUIDES, seed_journal
from alliance.guides.library import get_guide
from alliance.journal.selectors import chart_journal


def test_it_seeds_private_and_shared_entries_and_guides(cleo):
    seed_journal(cleo, now=timezone.now())
    assert cleo.journal_entries.count() == len(ENTRIES)
    assert chart_journal(cleo).count == sum(shared for _, shared, _ in ENTRIES)
    assert [s.slug for s in cleo.guide_shares.order_by("shared_at")] == [
        slug for _, slug in GUIDES
    ]
    assert all(get_guide(slug) for _, slug in GUIDES)
