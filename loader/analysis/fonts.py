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


def font_family(path: Path) -> str:
    """Register the font file with matplotlib and name the family to draw in: Noto Sans CJK SC
    when the file holds it (a .ttc holds several faces), else the file's first face. SVG output
    names this family on each `<text>`."""
    from matplotlib import font_manager

    for face in sorted({path, *path.parent.glob(path.name.replace("Regular", "*"))}):
        font_manager.fontManager.addfont(str(face))  # the bold face beside the regular one
    faces = [e.name for e in font_manager.fontManager.ttflist if Path(e.fname) == path]
    if FONT_FAMILY in faces:
        return FONT_FAMILY
    return faces[0] if faces else font_manager.FontProperties(fname=str(path)).get_name()
