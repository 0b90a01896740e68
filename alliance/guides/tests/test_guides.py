"""The psychoeducation library and sharing a guide with a client."""

from __future__ import annotations

from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.guides.library import (
    DATA_DIR,
    GuideFileError,
    all_guides,
    check_files,
    parse_file,
)
from alliance.guides.models import GuideShare

TOPICS = {
    "depression",
    "anxiety",
    "panic",
    "worry",
    "sleep",
    "trauma-reactions",
    "low-self-esteem",
    "what-therapy-is-like",
}


def test_the_built_in_guides_are_valid_and_cite_sources():
    assert check_files() == []
    guides = all_guides()
    assert {g.slug for g in guides} == TOPICS
    for guide in guides:
        assert guide.sections and guide.sources
        assert any(s.year for s in guide.sources), guide.slug


def test_a_bad_guide_file_lists_every_problem(tmp_path):
    path = tmp_path / "stress.toml"
    path.write_text(
        'slug = "tension"\ntitle = ""\nsummary = "x"\ncolour = "red"\n'
        '[[sections]]\nheading = "H"\n'
        '[[sources]]\nauthor = "A"\ntitle = "T"\nyear = "2011"\n'
    )
    try:
        parse_file(path)
    except GuideFileError as exc:
        assert exc.problems == [
            "unknown field colour.",
            "slug: must match the file name (stress).",
            "title: must not be empty.",
            "sections #1: needs exactly heading and text.",
            "sources #1: needs text in source.",
            "sources #1: year must be a four-digit number, e.g. 2011.",
        ]
    else:
        raise AssertionError("the file should not validate")
    assert DATA_DIR.is_dir()


def test_the_clinician_shares_a_guide_from_the_chart(as_user, alice, cleo):
    http = as_user(alice)
    url = reverse("guides:share", args=[cleo.uuid])
    response = http.post(url, {"slug": "sleep"})
    assert response.status_code == 302
    http.post(url, {"slug": "sleep"})
    assert GuideShare.objects.filter(client=cleo, slug="sleep").count() == 1
    assert AuditEvent.objects.filter(action="guideshare.create").count() == 1
    chart = http.get(reverse("chart:section", args=[cleo.uuid, "homework"])).text
    assert "Sleep problems</a>, shared" in chart


def test_an_unknown_guide_is_refused(as_user, alice, cleo):
    http = as_user(alice)
    response = http.post(
        reverse("guides:share", args=[cleo.uuid]), {"slug": "astrology"}, follow=True
    )
    assert "Choose a guide from the list." in response.text
    assert not GuideShare.objects.exists()


def test_the_client_reads_only_shared_guides(as_user, cleo):
    GuideShare.objects.create(client=cleo, slug="worry")
    http = as_user(cleo.user)
    mine = http.get(reverse("guides:mine")).text
    assert "Worry" in mine
    assert "Sleep problems" not in mine
    page = http.get(reverse("guides:mine_detail", args=["worry"]))
    assert page.status_code == 200
    assert "Borkovec TD, Wilkinson L, Folensbee R, Lerman C (1983)" in page.text
    assert http.get(reverse("guides:mine_detail", args=["sleep"])).status_code == 404
    assert AuditEvent.objects.filter(action="guideshare.view").exists()
    assert reverse("guides:mine") in http.get(reverse("portal:home")).text
