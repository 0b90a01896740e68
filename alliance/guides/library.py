"""The psychoeducation library: plain-language guides, one TOML file each in
``data/``, written in our own words, each citing its published sources.

A file names ``slug`` (its file name), ``title``, ``summary``, one or more
``[[sections]]`` (``heading``, ``text``) and one or more ``[[sources]]``
(``author``, ``title``, ``source`` and, except for pages that are updated
continually, ``year``). ``check_files()`` lists every problem; the tests keep
the built-in files clean.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIELDS = ("slug", "title", "summary", "sections", "sources")
SOURCE_FIELDS = ("author", "year", "title", "source")


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    author: str
    year: int | None
    title: str
    source: str

    def __str__(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.author}{year}. {self.title}. {self.source}."


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]


class GuideFileError(ValueError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path.name}: " + "; ".join(problems))


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(
        " ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()
    )


def _sections(value: Any, problems: list[str]) -> list[Section]:
    if not isinstance(value, list) or not value:
        problems.append("sections: write at least one [[sections]] table.")
        return []
    found = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) != {"heading", "text"}:
            problems.append(f"sections #{number}: needs exactly heading and text.")
            continue
        heading, text = _text(item["heading"]), item["text"]
        if not heading or not isinstance(text, str) or not text.strip():
            problems.append(f"sections #{number}: heading and text must not be empty.")
            continue
        found.append(Section(heading, _paragraphs(text)))
    return found


def _sources(value: Any, problems: list[str]) -> list[Source]:
    if not isinstance(value, list) or not value:
        problems.append("sources: cite at least one published source.")
        return []
    found = []
    for number, item in enumerate(value, start=1):
        where = f"sources #{number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a table.")
            continue
        unknown = sorted(set(item) - set(SOURCE_FIELDS))
        missing = [f for f in ("author", "title", "source") if not _text(item.get(f))]
        year = item.get("year")
        wrong = []
        if unknown:
            wrong.append(f"{where}: unknown field {', '.join(unknown)}.")
        if missing:
            wrong.append(f"{where}: needs text in {', '.join(missing)}.")
        if year is not None and (
            not isinstance(year, int)
            or isinstance(year, bool)
            or not 1800 < year < 2200
        ):
            wrong.append(f"{where}: year must be a four-digit number, e.g. 2011.")
        if wrong:
            problems += wrong
            continue
        found.append(
            Source(
                _text(item["author"]), year, _text(item["title"]), _text(item["source"])
            )
        )
    return found


def parse_file(path: Path) -> Guide:
    """Read and validate one guide; raise GuideFileError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise GuideFileError(path, [f"is not valid TOML: {exc}."]) from exc
    problems = []
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        problems.append(f"unknown field {', '.join(unknown)}.")
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.append("slug: use lower-case words joined by hyphens.")
    elif slug != path.stem:
        problems.append(f"slug: must match the file name ({path.stem}).")
    for name in ("title", "summary"):
        if not _text(data.get(name)):
            problems.append(f"{name}: must not be empty.")
    sections = _sections(data.get("sections"), problems)
    sources = _sources(data.get("sources"), problems)
    if problems:
        raise GuideFileError(path, problems)
    return Guide(
        slug=str(slug),
        title=_text(data["title"]),
        summary=_text(data["summary"]),
        sections=tuple(sections),
        sources=tuple(sources),
    )


def check_files(folder: Path = DATA_DIR) -> list[str]:
    """Every problem in the folder's guide files, one line each."""
    problems = []
    for path in sorted(folder.glob("*.toml")):
        try:
            parse_file(path)
        except GuideFileError as exc:
            problems.append(str(exc))
    return problems


@cache
def _library() -> dict[str, Guide]:
    guides = [parse_file(path) for path in sorted(DATA_DIR.glob("*.toml"))]
    return {g.slug: g for g in sorted(guides, key=lambda g: g.title)}


def all_guides() -> list[Guide]:
    return list(_library().values())


def get_guide(slug: str) -> Guide | None:
    return _library().get(slug)


def guide_choices() -> list[tuple[str, str]]:
    return [(g.slug, g.title) for g in all_guides()]
