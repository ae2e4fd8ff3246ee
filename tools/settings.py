"""Configuration in one place: defaults, then the workspace's ``segment-agent.toml``, then env vars.

Each capability reads its own section (``[lifecycle]``, ``[value_tiers]``, ``[brand]``, ``[llm]``)
through :func:`load_section`, so a marketer edits one commented file and nothing else.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tools.errors import UserError

CONFIG_FILENAME = "segment-agent.toml"


def config_path(workspace_root: Path) -> Path:
    """Path of the workspace's config file (it may not exist)."""
    return workspace_root / CONFIG_FILENAME


def load_config(workspace_root: Path) -> dict[str, Any]:
    """The whole config file as a dict; an absent file is an empty config."""
    path = config_path(workspace_root)
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid TOML ({exc}); fix the line it names or delete the file.") from exc


def load_section(workspace_root: Path, section: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """``defaults`` overridden by ``[section]`` of the config file; unknown keys are an error."""
    values = load_config(workspace_root).get(section, {})
    if not isinstance(values, dict):
        raise UserError(f"[{section}] in {config_path(workspace_root)} must be a table of settings.")
    unknown = sorted(set(values) - set(defaults))
    if unknown:
        raise UserError(
            f"Unknown setting '{unknown[0]}' in [{section}] of {config_path(workspace_root)}; "
            f"known settings: {', '.join(sorted(defaults))}."
        )
    merged = dict(defaults)
    for key, value in values.items():
        expected = type(defaults[key])
        if defaults[key] is not None and not isinstance(value, expected) and not (
            expected is float and isinstance(value, int)
        ):
            raise UserError(
                f"Setting '{key}' in [{section}] of {config_path(workspace_root)} must be a {expected.__name__}, "
                f"not {value!r}."
            )
        merged[key] = value
    return merged


def ensure_config_file(workspace_root: Path) -> Path:
    """Create ``segment-agent.toml`` with every setting commented out at its default, if it does not exist.

    A marketer can then change one line (uncomment, edit) without reading any docs first.
    """
    from dataclasses import asdict

    from tools.behaviour.lifecycle import LifecycleRules, ValueTierRules
    from tools.campaigns.brand import BRAND_DEFAULTS, BRAND_HELP
    from tools.segments.settings import DEFAULTS as SEGMENT_DEFAULTS

    path = config_path(workspace_root)
    if path.exists():
        return path
    lines = ["# segment-agent settings for this workspace. Uncomment a line to change it.",
             "# The [llm] section (model, base_url, timeout_seconds, …) is described in README.md.", ""]
    sections = (("lifecycle", asdict(LifecycleRules()), {}), ("value_tiers", asdict(ValueTierRules()), {}),
                ("segments", SEGMENT_DEFAULTS, {}), ("brand", BRAND_DEFAULTS, BRAND_HELP))
    for name, defaults, help_texts in sections:
        lines.append(f"# [{name}]")
        for key, value in defaults.items():
            if key in help_texts:
                lines.append(f"#   {help_texts[key]}")
            if value is not None:
                lines.append(f"# {key} = {_toml_value(value)}")
        lines.append("")
    temporary = path.with_suffix(".toml.part")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    temporary.replace(path)
    return path


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)
