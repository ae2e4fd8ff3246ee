"""Tool schemas as a model reads them: the pydantic schema without the noise small servers choke on.

A pydantic JSON schema repeats a ``title`` on every field, spells each optional field as
``anyOf: [X, {"type": "null"}]`` and keeps enums under ``$defs``. Sent as is, the 18 agent tools take about
10k tokens — more than SmolLM2's 8k context, and far past Ollama's default context, which silently cuts
the prompt. The compact form says the same to the model (types, enums, bounds, defaults, descriptions) in
well under half the tokens. Arguments are still validated by the full pydantic model when a tool runs
(:func:`agent.toolbox.validate_args`), so nothing is lost in checking.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

NULL = {"type": "null"}
DESCRIPTION_CHARS = 160


def compact_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with titles dropped, ``$ref`` enums inlined, optional-or-null collapsed to
    the type, null defaults dropped and long descriptions cut at a word (at most 160 chars)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    compact = _walk(schema, definitions)
    compact.pop("description", None)  # the tool's own description says what it is for
    return compact


def _walk(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_walk(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = dict(definitions[node["$ref"].rsplit("/", 1)[-1]])
        if "description" in node:  # the field's words about itself beat the enum class's docstring
            target.pop("description", None)
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _walk(merged, definitions)
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and value is None:
            continue
        if key == "description" and isinstance(value, str):
            result[key] = _shortened(value)
            continue
        if key == "properties":
            result[key] = {name: _walk(prop, definitions) for name, prop in value.items()}
            continue
        if key == "items" and isinstance(value, dict):  # the list's own description already says it
            result[key] = {k: v for k, v in _walk(value, definitions).items() if k != "description"}
            continue
        result[key] = _walk(value, definitions)
    options = result.get("anyOf")
    if isinstance(options, list):
        kept = [option for option in options if option != NULL]
        if len(kept) == 1 and isinstance(kept[0], dict):
            del result["anyOf"]
            result = {**kept[0], **result}
        else:
            result["anyOf"] = kept
    return result


def _shortened(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    return text[: DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
