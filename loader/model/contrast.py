"""Readable text on a coloured fill: WCAG 2 contrast, and the caption colour each label's fill
needs. A caption drawn on a node must reach AA for normal text (4.5:1); Browser and the pictures
take the caption colour from here instead of assuming white reads on every fill.
"""

from __future__ import annotations

AA_NORMAL_TEXT = 4.5
LIGHT_TEXT = "#FFFFFF"
DARK_TEXT = "#000000"


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #RRGGBB colour (0 for black, 1 for white)."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two #RRGGBB colours, 1 (none) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def caption_colour(fill: str) -> str:
    """White or black, whichever contrasts more with `fill`: one of them always reaches 4.58:1,
    the ratio where both are equal, so every fill gets an AA caption."""
    if contrast_ratio(fill, LIGHT_TEXT) >= contrast_ratio(fill, DARK_TEXT):
        return LIGHT_TEXT
    return DARK_TEXT
