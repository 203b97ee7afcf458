"""The Neo4j Browser stylesheet (GRASS), derived from the schema: each label's colour, diameter
and caption from its `style`, emphasised labels (the five pillars) drawn bolder, relationship
types as captions.
"""

from __future__ import annotations

import re

from loader.model.schema import Schema
from loader.model.schema_annotations import DEFAULT_CAPTION


def style_command(schema: Schema) -> str:
    """`:style` plus the stylesheet, for Browser's editor or a deep link.

    Browser cuts a `cmd=edit` argument at `#`, so colours are written as rgb() here.
    """
    text = re.sub(r"#([0-9A-Fa-f]{6})\b", lambda m: _rgb(m.group(1)), grass(schema))
    return ":style " + text


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def grass(schema: Schema) -> str:
    blocks = [
        "node {\n  diameter: 50px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n"
        "  border-width: 2px;\n  text-color-internal: #FFFFFF;\n  font-size: 10px;\n"
        f'  caption: "{{{DEFAULT_CAPTION}}}";\n}}',
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n"
        "  padding: 3px;\n  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n"
        '  caption: "<type>";\n}',
    ]
    for label, spec in schema.labels.items():
        style = spec.style
        extra = "  border-width: 4px;\n  font-size: 14px;\n" if style.emphasis else ""
        blocks.append(
            f"node.{label} {{\n  color: {style.colour};\n  border-color: {style.colour};\n"
            f'  diameter: {style.diameter}px;\n{extra}  caption: "{{{style.caption}}}";\n}}'
        )
    return "\n".join(blocks) + "\n"
