"""Reading a client's `.feature` text: the syntax check (behave's own parser, so what passes here
parses when behave runs it), its scenarios with their line ranges, tags and @REQ-n requirements."""

from __future__ import annotations

import re
from dataclasses import dataclass

from behave.i18n import languages
from behave.parser import ParserError, parse_feature

REQ_TAG = re.compile(r"^REQ-(\d+)$", re.IGNORECASE)
FILENAME = re.compile(r"^[\w\-. ]{1,190}\.feature$", re.UNICODE)
MAX_NAME = 300  # what acceptance_scenarios.name holds
MAX_SOURCE = 500_000


class GherkinError(ValueError):
    """A feature text that cannot be stored or run, naming the file and the line."""

    def __init__(self, filename: str, message: str, line: int | None = None) -> None:
        self.filename, self.line, self.reason = filename, line, message
        where = f"{filename}, line {line}" if line else filename
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ParsedScenario:
    name: str
    line: int  # the line of its "Scenario:" keyword
    end_line: int  # the last line that belongs to it
    tags: tuple[str, ...]  # its own and its feature's, without "@"
    requirements: tuple[int, ...]  # numbers of its REQ-n tags
    text: str  # its Gherkin as written (from its tags to its last step or example row)


@dataclass(frozen=True)
class ParsedFeature:
    filename: str
    name: str
    language: str
    tags: tuple[str, ...]
    scenarios: tuple[ParsedScenario, ...]
    background: str = ""  # the Background's Gherkin (steps every scenario runs first), if any


def requirement_numbers(tags: list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """The numbers of the REQ-n tags among `tags` (sorted, once each)."""
    found = {int(m.group(1)) for tag in tags if (m := REQ_TAG.match(tag.lstrip("@")))}
    return tuple(sorted(found))


def example_names(name: str, text: str, language: str = "en") -> tuple[str, ...]:
    """A scenario outline's name filled in for each row of its Examples tables ("at <spend>"
    becomes "at 29999.99", "at 30000.00", ...), read from its Gherkin as stored; () for a
    scenario without placeholders in its name. behave fills the names the same way when it runs."""
    if "<" not in name:
        return ()
    keywords = tuple(
        k.strip() for k in languages.get(language, languages["en"])["examples"] if k.strip() != "*"
    )
    names: list[str] = []
    header: list[str] | None = None
    in_examples = False
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line.startswith(("#", "@")):
            continue
        if any(line.startswith(f"{keyword}:") for keyword in keywords):
            in_examples, header = True, None
            continue
        if not in_examples:
            continue
        if not line.startswith("|"):
            in_examples = False
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        filled = name
        for heading, value in zip(header, cells, strict=False):
            filled = filled.replace(f"<{heading}>", value)
        names.append(filled)
    return tuple(names)


def check_filename(filename: str) -> str:
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1]
    if not FILENAME.match(name):
        raise GherkinError(
            filename or "(no name)", "a feature file is named like checkout.feature (letters, digits, - _ .)"
        )
    return name


def parse(source: str, filename: str) -> ParsedFeature:
    """Check a feature's syntax and read its scenarios; GherkinError names the line of a problem."""
    filename = check_filename(filename)
    if len(source) > MAX_SOURCE:
        raise GherkinError(filename, f"longer than {MAX_SOURCE} characters")
    source = source.replace("\r\n", "\n").lstrip("\ufeff")
    try:
        feature = parse_feature(source, filename=filename)
    except ParserError as error:
        reason = str(getattr(error, "args", [""])[0] or error).strip()
        # behave writes "... at line 5"; the line is said once, up front.
        reason = re.sub(
            r"^(?:Parser failure in state=\w+ )?at line \d+: ", "", reason.replace("\n", " ").strip()
        )
        reason = re.sub(r" at line \d+$", "", reason)
        if reason.startswith('"'):
            reason = (
                f"cannot read {reason}: it is not a step (Given/When/Then/And/But, Дано/Когда/Тогда/И/Но), "
                "a table row, a doc string or a new scenario"
            )
        raise GherkinError(filename, reason, getattr(error, "line", None)) from None
    if feature is None:
        raise GherkinError(filename, 'no "Feature:" (or "Функция:") in the text')
    if not feature.scenarios:
        raise GherkinError(filename, "the feature has no scenario", feature.line)
    names = [s.name.strip() for s in feature.scenarios]
    for scenario in feature.scenarios:
        if not scenario.name.strip():
            raise GherkinError(
                filename, "every scenario needs a name (results are kept by name)", scenario.line
            )
        if len(scenario.name.strip()) > MAX_NAME:
            # A scenario is stored and matched by its name, which the database keeps to MAX_NAME.
            raise GherkinError(filename, f"a scenario name is at most {MAX_NAME} characters", scenario.line)
        if names.count(scenario.name.strip()) > 1:
            raise GherkinError(filename, f"two scenarios are named {scenario.name.strip()!r}", scenario.line)
    lines = source.split("\n")
    starts = [_first_line(lines, s.line) for s in feature.scenarios]
    scenarios = []
    for i, scenario in enumerate(feature.scenarios):
        start = starts[i]
        end = (starts[i + 1] - 1) if i + 1 < len(starts) else len(lines)
        while end > scenario.line and not lines[end - 1].strip():
            end -= 1
        tags = tuple(dict.fromkeys([*(str(t) for t in feature.tags), *(str(t) for t in scenario.tags)]))
        scenarios.append(
            ParsedScenario(
                name=scenario.name.strip(),
                line=scenario.line,
                end_line=end,
                tags=tags,
                requirements=requirement_numbers(tags),
                text=_dedent(lines[start - 1 : end]),
            )
        )
    return ParsedFeature(
        filename=filename,
        name=feature.name.strip() or filename,
        language=feature.language or "en",
        tags=tuple(str(t) for t in feature.tags),
        scenarios=tuple(scenarios),
        background=_background(lines, feature, starts[0]),
    )


def _background(lines: list[str], feature: object, first_scenario: int) -> str:
    background = getattr(feature, "background", None)
    if background is None or not getattr(background, "steps", None):
        return ""
    return _dedent(lines[background.line - 1 : first_scenario - 1])


def _first_line(lines: list[str], keyword_line: int) -> int:
    """A scenario's text begins at its tag lines (and comments) just above its keyword."""
    start = keyword_line
    while (
        start > 1
        and lines[start - 2].strip().startswith(("@", "#"))
        and not lines[start - 2].strip().startswith("# language")
    ):
        start -= 1
    return start


def _dedent(lines: list[str]) -> str:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines).rstrip() + "\n"
