"""A brief script: YAML a marketer copies and edits, checked before anything runs.

Every mistake is one sentence naming the file, the line and the section — bad YAML, an unknown key, an
unknown tool (with the closest name), a tool that would change the workspace, an argument the tool does not
take or a value it rejects, an unknown ``{placeholder}`` — and nothing is run or written. Arguments are
checked against the tool's own schema (the one the CLI, the planner and the LLM use) once the brief's dates
are known, still before the first section runs.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.brief.periods import TEMPLATE_NAMES, Comparison, check_period_name
from tools.errors import UserError

if TYPE_CHECKING:
    import yaml

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,40}$"
WRITING_TOOLS = {"ingest": "segment-agent ingest", "refresh_features": "segment-agent features",
                 "run_segmentation": "segment-agent segment"}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Section(BaseModel):
    """One section: a tool with arguments, or a question for the agent; a title; skip it when empty?"""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=120)
    tool: str | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    question: str | None = Field(None, min_length=3, max_length=1000)
    skip_if_empty: bool = False
    chart: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> Section:
        if (self.tool is None) == (self.question is None):
            raise ValueError("give either tool: (with args:) or question:, not both or neither")
        if self.question is not None and self.args:
            raise ValueError("args: only go with tool:, not with question:")
        return self


class BriefScript(BaseModel):
    """The whole script: its name (the reports' prefix and the snapshot key), period, comparisons, sections."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("brief", pattern=NAME_PATTERN)
    title: str = Field("Weekly segment brief", min_length=1, max_length=120)
    period: str = "last_full_week"
    comparison: list[Comparison] = Field(default_factory=lambda: [Comparison.PREVIOUS_PERIOD])
    planner: Literal["auto", "embedded", "llm"] = "auto"
    sections: list[Section] = Field(min_length=1, max_length=40)


@dataclass
class LoadedScript:
    """A checked script and where each section starts in the file (for later errors)."""

    script: BriefScript
    path: Path
    section_lines: list[int]

    def where(self, index: int) -> str:
        """"weekly.yaml line 14, section 3 'Movers'" — how errors name a section."""
        section = self.script.sections[index]
        return f"{self.path.name} line {self.section_lines[index]}, section {index + 1} '{section.title}'"


def load_script(path: Path) -> LoadedScript:
    """Read, parse and check the script at ``path`` (tools and placeholders included)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"No brief script at {path}; write a starter one with  segment-agent brief init.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Cannot read the brief script {path} ({exc}).") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UserError(_yaml_error(path, text, exc)) from None
    if not isinstance(data, dict):
        raise UserError(f"{path.name} must be a YAML mapping with name:, period: and sections: (see  segment-agent "
                        "brief init).")
    try:
        script = BriefScript.model_validate(data)
    except ValidationError as exc:
        raise UserError(_schema_error(path, root, data, exc)) from None
    lines = [_line(root, ("sections", index)) for index in range(len(script.sections))]
    loaded = LoadedScript(script, path, lines)
    _check_period(loaded, root)
    for index, section in enumerate(script.sections):
        if section.tool is not None:
            _check_tool(loaded, index, section.tool)
        _check_placeholders(loaded, index, section.args)
    return loaded


def _check_period(loaded: LoadedScript, root: yaml.Node | None) -> None:
    try:
        check_period_name(loaded.script.period)
    except UserError as exc:
        raise UserError(f"{loaded.path.name} line {_line(root, ('period',))}: {exc}") from None


def resolve_args(loaded: LoadedScript, index: int, values: dict[str, Any]) -> dict[str, Any]:
    """The section's args with ``{placeholders}`` filled in; a value that is one placeholder keeps its type."""
    def fill(value: Any) -> Any:
        if isinstance(value, str):
            whole = _PLACEHOLDER.fullmatch(value)
            if whole:
                return values[whole.group(1)]
            return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), value)
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    return fill(loaded.script.sections[index].args)


def mentions(args: Any, name: str) -> bool:
    """Whether ``{name}`` appears anywhere in ``args``."""
    return name in _PLACEHOLDER.findall(repr(args))


def check_args(loaded: LoadedScript, index: int, args: dict[str, Any]) -> None:
    """Validate resolved args against the tool's schema; the error names the section and the argument."""
    from agent.toolbox import registry, validate_args

    spec = registry()[loaded.script.sections[index].tool or ""]
    unknown = sorted(set(args) - set(spec.args_model.model_fields))
    if unknown:
        raise UserError(f"{loaded.where(index)}: {spec.name} takes no argument '{unknown[0]}'; it takes "
                        f"{', '.join(spec.args_model.model_fields) or 'none'}.")
    try:
        validate_args(spec, args)
    except UserError as exc:
        raise UserError(f"{loaded.where(index)}: {exc}") from None


def _check_tool(loaded: LoadedScript, index: int, tool: str) -> None:
    from agent.toolbox import registry

    if tool in WRITING_TOOLS:
        raise UserError(f"{loaded.where(index)}: {tool} changes the workspace, which a brief never does; run  "
                        f"{WRITING_TOOLS[tool]}  before the brief instead.")
    known = [name for name in registry() if name not in WRITING_TOOLS]
    if tool not in known:
        close = difflib.get_close_matches(tool, known, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise UserError(f"{loaded.where(index)}: unknown tool '{tool}'; {hint}tools are: {', '.join(known)}.")


def _check_placeholders(loaded: LoadedScript, index: int, args: Any) -> None:
    found = _PLACEHOLDER.findall(repr(args))
    unknown = [name for name in found if name not in TEMPLATE_NAMES]
    if unknown:
        raise UserError(f"{loaded.where(index)}: unknown placeholder '{{{unknown[0]}}}'; placeholders are "
                        f"{', '.join('{' + name + '}' for name in TEMPLATE_NAMES)}.")


def _schema_error(path: Path, root: yaml.Node | None, data: dict[str, Any], exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = tuple(part for part in first["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    where = f"{path.name} line {_line(root, loc)}"
    sections = data.get("sections")
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int) and isinstance(sections, list):
        raw = sections[loc[1]] if loc[1] < len(sections) else {}
        title = raw.get("title") if isinstance(raw, dict) else None
        where += f", section {loc[1] + 1}" + (f" '{title}'" if title else "")
        loc = loc[2:]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "is not a known key"
    elif first["type"] == "missing":
        message = "is missing"
    message = message[0].lower() + message[1:]
    field = ".".join(str(part) for part in loc)
    return f"{where}: {field} {message}." if field else f"{where}: {message}."


def _yaml_error(path: Path, text: str, exc: Any) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    title = _title_above(text, line)
    section = f", in section '{title}'" if title else ""
    return f"{path.name} line {line}{section} is not valid YAML ({problem})."


def _title_above(text: str, line: int) -> str | None:
    """The title of the section that the (1-based) ``line`` falls in, read from the raw text."""
    for raw in reversed(text.splitlines()[:line]):
        match = re.match(r"\s*-?\s*title:\s*(.+?)\s*$", raw)
        if match:
            return match.group(1).strip("'\"")
    return None


def _line(root: Any, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the YAML node at ``loc`` (keys and list indexes), or of its nearest parent."""
    node, line = root, (root.start_mark.line + 1 if root is not None else 1)
    for part in loc:
        child = None
        if isinstance(part, int) and hasattr(node, "value") and isinstance(node.value, list) and \
                node.tag.endswith(":seq") and part < len(node.value):
            child = node.value[part]
        elif isinstance(part, str) and node is not None and node.tag.endswith(":map"):
            child = next((value for key, value in node.value if key.value == part), None)
            if child is not None:
                line = next(key for key, value in node.value if value is child).start_mark.line + 1
                node = child
                continue
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
