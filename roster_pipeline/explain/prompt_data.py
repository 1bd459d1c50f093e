"""Data sent to the language model is delimited and escaped: JSON inside one clearly marked
`<roster-data name="...">` block, with `<`, `>` and `&` written as JSON unicode escapes, so no value
(a shift code, a site, a note, a line id) can close the block or open a tag of its own. The prompts
say that everything inside the block is data, never instructions."""

from __future__ import annotations

import json
import re
from typing import Any

DATA_TAG = "roster-data"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_BLOCK = re.compile(rf'<{DATA_TAG} name="([a-z_]+)">\n(.*?)\n</{DATA_TAG}>', re.DOTALL)


def data_block(name: str, payload: Any) -> str:
    """`payload` as escaped JSON inside a `<roster-data name=...>` block (`name`: lower-case letters)."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(f"data block name must be lower-case letters, got {name!r}")
    text = json.dumps(payload, default=str)
    for char, escape in _ESCAPES.items():  # outside strings JSON has none of these characters
        text = text.replace(char, escape)
    return f'<{DATA_TAG} name="{name}">\n{text}\n</{DATA_TAG}>'


def read_data_blocks(text: str) -> dict[str, Any]:
    """The data blocks in `text`, by name, parsed back from JSON (the inverse of `data_block`)."""
    return {name: json.loads(body) for name, body in _BLOCK.findall(text)}
