"""The CJK font pictures are drawn in: names never turn into tofu boxes, and a missing font is an
error, not a silent fallback."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from loader.model.errors import ToolMissing

FONT_FAMILY = "Noto Sans CJK SC"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


def find_cjk_font() -> Path:
    """$KG_CJK_FONT, else what fontconfig gives for Noto Sans CJK SC, else a known path."""
    chosen = os.environ.get("KG_CJK_FONT")
    if chosen:
        if not Path(chosen).is_file():
            raise ToolMissing(f"KG_CJK_FONT={chosen} is not a font file")
        return Path(chosen)
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", FONT_FAMILY], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and "CJK" in found and Path(found).is_file():
            return Path(found)
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ToolMissing(
        "no CJK font found for pictures: install fonts-noto-cjk "
        "(apt-get install fonts-noto-cjk) or set KG_CJK_FONT"
    )
