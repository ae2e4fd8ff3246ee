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
