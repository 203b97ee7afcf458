"""The Neo4j Browser stylesheet (GRASS), derived from the schema: a colour per label, the
Chinese `name` as caption, the five pillars drawn larger, relationship types as captions.
"""

from __future__ import annotations

import re

from loader.model.schema import Schema

# Distinct, readable fills (Tableau 20, darker half first) assigned to labels in schema order.
PALETTE = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#7F7F7F",
    "#BCBD22",
    "#17BECF",
    "#AEC7E8",
    "#FFBB78",
    "#98DF8A",
    "#FF9896",
    "#C5B0D5",
    "#C49C94",
    "#F7B6D2",
    "#C7C7C7",
    "#DBDB8D",
    "#9EDAE5",
)
LARGE = {"Pillar": "90px", "Strategy": "65px", "County": "70px"}
FIXED = {"Pillar": "#D62728", "County": "#1F77B4", "Industry": "#2CA02C"}  # the ones to spot


def label_colours(schema: Schema) -> dict[str, str]:
    free = iter(c for c in PALETTE if c not in FIXED.values())
    return {label: FIXED.get(label) or next(free) for label in schema.labels}


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
        '  caption: "{name}";\n}',
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n"
        "  padding: 3px;\n  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n"
        '  caption: "<type>";\n}',
    ]
    for label, colour in label_colours(schema).items():
        diameter = LARGE.get(label, "50px")
        extra = "  border-width: 4px;\n  font-size: 14px;\n" if label == "Pillar" else ""
        blocks.append(
            f"node.{label} {{\n  color: {colour};\n  border-color: {colour};\n"
            f'  diameter: {diameter};\n{extra}  caption: "{{name}}";\n}}'
        )
    return "\n".join(blocks) + "\n"
