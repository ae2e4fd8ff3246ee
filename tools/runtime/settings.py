"""Configuration in one place: defaults, then the workspace's ``segment-agent.toml``, then env vars.

:class:`Settings` is built once per command (the file parsed once, the environment read once) and passed
down inside the ``Shop``. Each capability reads its own section (``[lifecycle]``, ``[value_tiers]``,
``[segments]``, ``[brand]``, ``[store]``, ``[llm]``) through :meth:`Settings.section`, which checks names and
types, so a marketer edits one commented file and a typo is reported with the known settings.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.errors import UserError

CONFIG_FILENAME = "segment-agent.toml"


def config_path(workspace_root: Path) -> Path:
    """Path of the workspace's config file (it may not exist)."""
    return workspace_root / CONFIG_FILENAME


@dataclass(frozen=True)
class Settings:
    """The parsed config file and the environment, as one value passed to everything that needs settings."""

    root: Path
    values: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, workspace_root: Path, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``segment-agent.toml`` (absent = empty) and snapshot the environment."""
        return cls(workspace_root, _parse(config_path(workspace_root)), dict(os.environ if env is None else env))

    @property
    def path(self) -> Path:
        return config_path(self.root)

    def section(self, name: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
        """``defaults`` overridden by ``[name]`` of the config file; unknown keys and wrong types are errors."""
        values = self.values.get(name, {})
        if not isinstance(values, dict):
            raise UserError(f"[{name}] in {self.path} must be a table of settings.")
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise UserError(f"Unknown setting '{unknown[0]}' in [{name}] of {self.path}; known settings: "
                            f"{', '.join(sorted(defaults))}.")
        merged = dict(defaults)
        for key, value in values.items():
            expected = type(defaults[key])
            if defaults[key] is not None and not isinstance(value, expected) and not (
                    expected is float and isinstance(value, int) and not isinstance(value, bool)):
                raise UserError(f"Setting '{key}' in [{name}] of {self.path} must be a {expected.__name__}, "
                                f"not {value!r}.")
            merged[key] = value
        return merged


def _parse(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid TOML ({exc}); fix the line it names or delete the file.") from exc
    except OSError as exc:
        raise UserError(f"Cannot read {path} ({exc.strerror or exc}); check its permissions.") from exc
