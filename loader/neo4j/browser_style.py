"""The Neo4j Browser stylesheet (GRASS), derived from the schema: each label's colour, diameter,
caption and caption size from its `style`, a caption colour that reads on the fill (WCAG AA),
emphasised labels (the five pillars) with a thicker border, relationship types as captions.
The same rules go out as CSS (queries/jinshan.grass, the `:style` command) and as JSON (the
managed server's post-connect command, which Browser runs on every login).
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections.abc import Callable

from loader.model.contrast import caption_colour
from loader.model.errors import ConfigError, DataInvalid
from loader.model.schema import Schema
from loader.model.schema_annotations import DEFAULT_CAPTION, DEFAULT_FONT_SIZE

log = logging.getLogger(__name__)

DEFAULT_FILL = "#A5ABB6"  # Browser's grey, for a label the schema does not know
RELATIONSHIP_COLOUR = "#A5ABB6"
# Browser 5.24 measures captions in the canvas font `sans-serif` (DejaVu Sans on Debian, a CJK
# fallback for Chinese): a full-width character is one em, a space 0.318 em, other text at most
# about 0.6 em a character.
WIDE_EM, NARROW_EM, SPACE_EM = 1.0, 0.6, 0.318

Rules = dict[str, dict[str, str]]


def rules(schema: Schema) -> Rules:
    """Browser's style rules, selector to properties, in the order Browser applies them."""
    found: Rules = {
        "node": {
            "diameter": "50px",
            "color": DEFAULT_FILL,
            "border-color": "#9AA1AC",
            "border-width": "2px",
            "text-color-internal": caption_colour(DEFAULT_FILL),
            "font-size": f"{DEFAULT_FONT_SIZE}px",
            "caption": f"{{{DEFAULT_CAPTION}}}",
        },
        "relationship": {
            "color": RELATIONSHIP_COLOUR,
            "shaft-width": "1px",
            "font-size": "8px",
            "padding": "3px",
            "text-color-external": "#000000",  # beside a 1px shaft: on the white canvas
            "text-color-internal": caption_colour(RELATIONSHIP_COLOUR),
            "caption": "<type>",
        },
    }
    for label, spec in schema.labels.items():
        style = spec.style
        found[f"node.{label}"] = {
            "color": style.colour,
            "border-color": style.colour,
            "border-width": "4px" if style.emphasis else "2px",
            "diameter": f"{style.diameter}px",
            "font-size": f"{style.font_size}px",
            "text-color-internal": style.caption_colour,
            "caption": f"{{{style.caption}}}",
        }
    return found


def grass(schema: Schema) -> str:
    """The stylesheet as a GRASS file (queries/jinshan.grass)."""
    blocks = []
    for selector, props in rules(schema).items():
        lines = "".join(
            f'  {key}: "{value}";\n' if key == "caption" else f"  {key}: {value};\n"
            for key, value in props.items()
        )
        blocks.append(f"{selector} {{\n{lines}}}")
    return "\n".join(blocks) + "\n"


def style_command(schema: Schema) -> str:
    """`:style` plus the stylesheet, for Browser's editor or a deep link.

    Browser cuts a `cmd=edit` argument at `#`, so colours are written as rgb() here.
    """
    text = re.sub(r"#([0-9A-Fa-f]{6})\b", lambda m: _rgb(m.group(1)), grass(schema))
    return ":style " + text


def post_connect_command(schema: Schema) -> str:
    """The stylesheet as Browser's `browser.post_connect_cmd`: one line, no `;`.

    Browser splits that setting at `;` outside quotes and runs each part as `:part`; GRASS text
    has a `;` after every property, but Browser's `:style` reads JSON first, and JSON has none.
    ASCII only (neo4j.conf is read as ISO-8859-1). A `;` or a quote mark anywhere would let a
    value end the command and start another, so a stylesheet holding one is refused.
    """
    text = "style " + json.dumps(rules(schema), ensure_ascii=True, separators=(",", ":"))
    if ";" in text or "'" in text or "\\" in text:
        raise ConfigError("a ; ' or \\ in the stylesheet: it cannot be a post-connect command")
    return text


def login_style(schema: Callable[[], Schema]) -> str | None:
    """The post-connect command for the managed server's neo4j.conf, from the schema `schema()`
    reads; None when it does not load (invalid): the server then starts all the same, unstyled."""
    try:
        return post_connect_command(schema())
    except (ConfigError, DataInvalid) as error:
        log.warning("Browser will not be styled on login: %s", str(error).splitlines()[0])
        return None


def caption_fits(text: str, diameter: int, font_size: int) -> bool:
    """Whether Browser 5.24 draws `text` whole in the circle, on one line.

    Browser (neo4j-arc GraphGeometryModel.fitCaptionIntoCircle) breaks captions at spaces only,
    so a Chinese name is one word on one line, as wide as the circle: it fits when its width plus
    a space is under the diameter, and when it has at most pi r^2 / font_size^2 characters.
    Captions with spaces may wrap onto more lines; this says whether they fit on one.
    """
    radius = diameter / 2
    if len(text) > int(math.pi * radius**2 / font_size**2):
        return False
    ems = sum(WIDE_EM if unicodedata.east_asian_width(c) in "WF" else NARROW_EM for c in text)
    return (ems + SPACE_EM) * font_size < diameter


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"
