"""The technique library: one TOML file per technique, read from the built-in
``data/`` folder and from the practice's own folder (``ALLIANCE_TECHNIQUES_DIR``,
by default ``VAR_DIR / "techniques"``).

A practice file whose slug matches a built-in one replaces it. A file that does
not validate is logged and skipped, so one bad file never breaks a page;
``alliance check-techniques`` lists every problem. The library holds no client
data and imports nothing from alliance.
"""

from __future__ import annotations

import logging
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).resolve().parent / "data"
BUILT_IN = "built-in"
PRACTICE = "practice"

APPROACHES: dict[str, str] = {
    "cbt": "Cognitive behavioural (CBT)",
    "psychodynamic": "Psychodynamic",
    "solution_focused": "Solution-focused",
    "mindfulness_relaxation": "Mindfulness and relaxation",
    "skills": "Skills",
}

PROBLEMS: dict[str, str] = {
    "depression": "Depression and low mood",
    "anxiety": "Anxiety",
    "panic": "Panic",
    "worry": "Worry",
    "social_anxiety": "Social anxiety",
    "trauma": "Trauma",
    "ocd": "Obsessions and compulsions (OCD)",
    "anger": "Anger",
    "relationships": "Relationships",
    "self_esteem": "Self-esteem and self-criticism",
    "stress": "Stress",
    "sleep": "Sleep",
    "grief": "Grief and loss",
    "avoidance": "Avoidance",
    "low_motivation": "Low motivation",
    "emotion_regulation": "Emotion regulation",
    "assertiveness": "Assertiveness",
}

# Keys of the homework templates the homework app builds; "custom" means a
# free-form assignment written by the clinician.
HOMEWORK_TEMPLATES: dict[str, str] = {
    "thought_record": "Thought record",
    "behavioural_activation": "Behavioural activation diary",
    "exposure_hierarchy": "Exposure hierarchy",
    "relaxation_practice": "Relaxation practice log",
    "reflection_journal": "Reflection journal",
    "sf_scaling": "Solution-focused scaling",
    "behavioural_experiment": "Behavioural experiment",
    "sleep_diary": "Sleep diary",
    "worry_log": "Worry log with worry time",
    "problem_solving": "Structured problem solving",
    "exposure_record": "Exposure record",
    "custom": "Custom assignment",
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A technique may have no homework or no references yet; everything else is required.
OPTIONAL_FIELDS = ("homework_templates", "references")
PROSE_FIELDS = ("name", "purpose", "when_to_use", "when_not_to_use", "introducing")
REFERENCE_FIELDS = ("author", "year", "title", "source")
FIELDS = (
    "slug",
    "name",
    "approach",
    "problems",
    "purpose",
    "when_to_use",
    "when_not_to_use",
    "steps",
    "introducing",
    "homework_templates",
    "references",
    "version",
)


@dataclass(frozen=True)
class Reference:
    author: str
    year: int
    title: str
    source: str

    def __str__(self) -> str:
        title = self.title if self.title[-1] in ".?!" else f"{self.title}."
        return f"{self.author} ({self.year}). {title} {self.source}."


@dataclass(frozen=True)
class Technique:
    slug: str
    name: str
    approach: str
    problems: tuple[str, ...]
    purpose: str
    when_to_use: str
    when_not_to_use: str
    steps: tuple[str, ...]
    introducing: str
    homework_templates: tuple[str, ...]
    references: tuple[Reference, ...]
    version: int
    source: str = BUILT_IN

    def __str__(self) -> str:
        return self.name

    @property
    def approach_label(self) -> str:
        return APPROACHES[self.approach]

    @property
    def problem_labels(self) -> list[tuple[str, str]]:
        return [(key, PROBLEMS[key]) for key in self.problems]

    @property
    def homework_labels(self) -> list[tuple[str, str]]:
        return [(key, HOMEWORK_TEMPLATES[key]) for key in self.homework_templates]

    @property
    def is_practice_version(self) -> bool:
        return self.source == PRACTICE

    def matches(self, words: list[str]) -> bool:
        """True when every word occurs in the name, purpose, when-to-use or steps."""
        text = " ".join(
            (self.name, self.purpose, self.when_to_use, *self.steps)
        ).casefold()
        return all(word in text for word in words)


class TechniqueFileError(ValueError):
    """A technique file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class FileCheck:
    path: Path
    source: str
    technique: Technique | None
    problems: tuple[str, ...]


def practice_dir() -> Path:
    configured = getattr(settings, "ALLIANCE_TECHNIQUES_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "techniques"


def _prose(text: str) -> str:
    """Unwrap lines, keeping blank lines as paragraph breaks."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _vocabulary(value: Any, field: str, allowed: dict[str, str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [f"{field}: must be a list of keys, such as [{next(iter(allowed))!r}]."]
    problems = [
        f"{field}: {v!r} is not a known key; use one of: {', '.join(allowed)}."
        for v in value
        if v not in allowed
    ]
    if len(set(value)) != len(value):
        problems.append(f"{field}: a key is listed twice.")
    return problems


def _references(value: Any) -> tuple[list[Reference], list[str]]:
    if not isinstance(value, list):
        return [], ["references: write each one as a [[references]] table."]
    found, problems = [], []
    for number, ref in enumerate(value, start=1):
        where = f"references #{number}"
        if not isinstance(ref, dict):
            problems.append(
                f"{where}: must be a table with {', '.join(REFERENCE_FIELDS)}."
            )
            continue
        wrong = []
        unknown = sorted(set(ref) - set(REFERENCE_FIELDS))
        if unknown:
            wrong.append(f"{where}: unknown field {', '.join(unknown)}.")
        missing = [
            f
            for f in ("author", "title", "source")
            if not isinstance(ref.get(f), str) or not ref[f].strip()
        ]
        if missing:
            wrong.append(f"{where}: needs text in {', '.join(missing)}.")
        year = ref.get("year")
        if (
            not isinstance(year, int)
            or isinstance(year, bool)
            or not 1800 < year < 2200
        ):
            wrong.append(f"{where}: year must be a four-digit number, e.g. 1979.")
        if wrong:
            problems += wrong
            continue
        found.append(
            Reference(
                author=" ".join(ref["author"].split()),
                year=year,  # type: ignore[arg-type]  # checked above: no problem found
                title=" ".join(ref["title"].split()),
                source=" ".join(ref["source"].split()),
            )
        )
    return found, problems


def parse_file(path: Path, source: str = PRACTICE) -> Technique:
    """Read and validate one technique file; raise TechniqueFileError listing
    every problem found."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TechniqueFileError(path, [f"cannot be read: {exc.strerror}."]) from exc
    except UnicodeDecodeError as exc:
        raise TechniqueFileError(path, ["is not UTF-8 text."]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise TechniqueFileError(path, [f"is not valid TOML: {exc}."]) from exc
    return _build(path, data, source)


def _build(path: Path, data: dict[str, Any], source: str) -> Technique:
    problems: list[str] = []
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        problems.append(
            f"unknown field {', '.join(unknown)}; the fields are: {', '.join(FIELDS)}."
        )
    missing = [f for f in FIELDS if f not in data and f not in OPTIONAL_FIELDS]
    if missing:
        problems.append(f"missing field {', '.join(missing)}.")

    for field in ("slug", "approach", *PROSE_FIELDS):
        if field in data and (
            not isinstance(data[field], str) or not data[field].strip()
        ):
            problems.append(f"{field}: must be text and not empty.")
    slug = data.get("slug")
    if isinstance(slug, str) and slug.strip():
        if not SLUG_RE.match(slug):
            problems.append(
                f"slug: {slug!r} may hold only lower-case letters, digits and single "
                "hyphens, e.g. 'paced-breathing'."
            )
        elif slug != path.stem:
            problems.append(
                f"slug: {slug!r} must match the file name; rename the file to {slug}.toml."
            )
    approach = data.get("approach")
    if isinstance(approach, str) and approach.strip() and approach not in APPROACHES:
        problems.append(
            f"approach: {approach!r} is not known; use one of: {', '.join(APPROACHES)}."
        )
    if "problems" in data:
        problems += _vocabulary(data["problems"], "problems", PROBLEMS)
        if data["problems"] == []:
            problems.append(
                "problems: list at least one problem the technique addresses."
            )
    if "homework_templates" in data:
        problems += _vocabulary(
            data["homework_templates"], "homework_templates", HOMEWORK_TEMPLATES
        )
    steps = data.get("steps")
    if "steps" in data and (
        not isinstance(steps, list)
        or not steps
        or not all(isinstance(s, str) and s.strip() for s in steps)
    ):
        problems.append("steps: must be a list of one or more non-empty texts.")
    references: list[Reference] = []
    if "references" in data:
        references, ref_problems = _references(data["references"])
        problems += ref_problems
    version = data.get("version")
    if "version" in data and (
        not isinstance(version, int) or isinstance(version, bool) or version < 1
    ):
        problems.append("version: must be a whole number, 1 or more.")

    if problems:
        raise TechniqueFileError(path, problems)
    return Technique(
        slug=data["slug"],
        name=_prose(data["name"]),
        approach=data["approach"],
        problems=tuple(data["problems"]),
        purpose=_prose(data["purpose"]),
        when_to_use=_prose(data["when_to_use"]),
        when_not_to_use=_prose(data["when_not_to_use"]),
        steps=tuple(_prose(s) for s in data["steps"]),
        introducing=_prose(data["introducing"]),
        homework_templates=tuple(data.get("homework_templates", ())),
        references=tuple(references),
        version=data["version"],
        source=source,
    )


def _folders() -> list[tuple[str, Path]]:
    return [(BUILT_IN, BUILTIN_DIR), (PRACTICE, practice_dir())]


def _entries(directory: Path) -> list[Path]:
    """Visible files in a folder, sorted; an absent folder is empty."""
    try:
        return sorted(
            p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")
        )
    except FileNotFoundError:
        return []
    except OSError as exc:
        logger.warning("Cannot read the technique folder %s: %s", directory, exc)
        return []


def _technique_files(directory: Path) -> list[Path]:
    return [p for p in _entries(directory) if p.suffix == ".toml"]


def _fingerprint(folders: list[tuple[str, Path]]) -> tuple[Any, ...]:
    parts: list[Any] = []
    for _source, directory in folders:
        parts.append(str(directory))
        for path in _technique_files(directory):
            try:
                stat = path.stat()
            except OSError:
                continue
            parts.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(parts)


def _load(folders: list[tuple[str, Path]]) -> tuple[Technique, ...]:
    by_slug: dict[str, Technique] = {}
    for source, directory in folders:
        for path in _technique_files(directory):
            try:
                technique = parse_file(path, source)
            except TechniqueFileError as exc:
                logger.warning(
                    "Skipping technique file %s (run `alliance check-techniques`): %s",
                    path,
                    "; ".join(exc.problems),
                )
                continue
            # Practice folder is read last, so its version replaces the built-in.
            by_slug[technique.slug] = technique
    return tuple(
        sorted(by_slug.values(), key=lambda t: (t.approach, t.name.casefold()))
    )


_lock = threading.Lock()
_cache: tuple[tuple[Any, ...], tuple[Technique, ...]] | None = None


def all_techniques() -> list[Technique]:
    """Every usable technique, sorted by approach then name.

    Cached per process and re-read when a file is added, removed or changed
    (a stat of each file per call: a few dozen files, no parsing).
    """
    global _cache
    folders = _folders()
    fingerprint = _fingerprint(folders)
    cached = _cache
    if cached is None or cached[0] != fingerprint:
        with _lock:
            techniques = _load(folders)
            _cache = cached = (fingerprint, techniques)
    return list(cached[1])


def get_technique(slug: str) -> Technique:
    """The technique with this slug; KeyError when there is none."""
    for technique in all_techniques():
        if technique.slug == slug:
            return technique
    raise KeyError(slug)


def search(
    query: str = "", approach: str | None = None, problem: str | None = None
) -> list[Technique]:
    """Techniques matching every word of ``query`` (case-insensitive, over name,
    purpose, when to use and steps), in the approach and for the problem given."""
    words = query.casefold().split()
    return [
        t
        for t in all_techniques()
        if (not approach or t.approach == approach)
        and (not problem or problem in t.problems)
        and t.matches(words)
    ]


def check_files() -> list[FileCheck]:
    """Validate every file in the built-in and practice folders, for
    ``alliance check-techniques``; other file types in those folders are
    reported too, since they would be ignored."""
    checks = []
    for source, directory in _folders():
        for path in _entries(directory):
            if path.suffix != ".toml":
                checks.append(
                    FileCheck(
                        path,
                        source,
                        None,
                        ("is not read: technique files must end in .toml.",),
                    )
                )
                continue
            try:
                technique = parse_file(path, source)
            except TechniqueFileError as exc:
                checks.append(FileCheck(path, source, None, tuple(exc.problems)))
            else:
                checks.append(FileCheck(path, source, technique, ()))
    return checks
