"""The commented ``segment-agent.toml`` written on a workspace's first ingest.

Every setting appears at its default, commented out, so a marketer changes one line without reading docs.
The defaults come from the modules that own each section, so this file can never drift from the code.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tools.behaviour.lifecycle import LifecycleRules, ValueTierRules
from tools.campaigns.brand import BRAND_DEFAULTS, BRAND_HELP
from tools.ingest.settings import IngestSettings
from tools.runtime.settings import config_path
from tools.segments.settings import DEFAULTS as SEGMENT_DEFAULTS
from tools.store.store import StoreSettings

HEADER = ["# segment-agent settings for this workspace. Uncomment a line to change it.",
          "# The [llm] section (model, base_url, timeout_seconds, …) is described in README.md.", ""]


def ensure_config_file(workspace_root: Path) -> Path:
    """Create ``segment-agent.toml`` with every setting commented out at its default, if it does not exist."""
    path = config_path(workspace_root)
    if path.exists():
        return path
    lines = list(HEADER)
    sections = (("lifecycle", asdict(LifecycleRules()), {}), ("value_tiers", asdict(ValueTierRules()), {}),
                ("segments", SEGMENT_DEFAULTS, {}), ("brand", BRAND_DEFAULTS, BRAND_HELP),
                ("store", asdict(StoreSettings()), {}), ("ingest", asdict(IngestSettings()), {}))
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
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)
