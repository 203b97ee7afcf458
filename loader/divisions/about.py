"""What the divisions and their links say about themselves in an export (VoID and DCAT).

The facts come from the pinned tarball itself (china-division 2.7.0): its package.json names
the author and says MIT, while its LICENSE file and README badge say WTFPL; its README names the
National Bureau of Statistics' 2023 division codes as the data. Both licences are stated. No
date is given: the tarball carries none, and the registry's publish times are out of version
order, so neither is trusted.
"""

from __future__ import annotations

from loader.divisions.gazetteer import DATASET, LINKS_DATASET
from loader.divisions.tarball import PACKAGE, VERSION
from loader.model.about import About, Agent

AUTHOR = Agent("modood", "modood", "https://github.com/modood")
NBS_CODES_2023 = "http://www.stats.gov.cn/sj/tjbz/tjyqhdmhcxhfdm/2023/index.html"

DIVISIONS = About(
    name=DATASET,
    version=VERSION,
    # the package.json's own description
    title=f"{PACKAGE} {VERSION}：中华人民共和国行政区划："
    "省份、城市、区县、乡镇（街道）、村（居）委会",
    title_en=f"{PACKAGE} {VERSION}: the administrative divisions of China, five levels",
    description=(
        "The National Bureau of Statistics' statistical division codes (统计用区划代码, the 2023 "
        f"edition by the package's README) as packaged by modood in the npm package {PACKAGE} "
        f"{VERSION} (its dist/*.csv tables)."
    ),
    license="https://spdx.org/licenses/WTFPL.html",
    rights=(
        f"{PACKAGE} {VERSION}: its LICENSE file and README say WTFPL, its package.json says MIT; "
        "the codes are the National Bureau of Statistics'."
    ),
    source=NBS_CODES_2023,
    homepage=f"https://www.npmjs.com/package/{PACKAGE}/v/{VERSION}",
    creator=AUTHOR,
    publisher=AUTHOR,
)


def links_about(curated: About, identity: str) -> About:
    """The `identity` links (SAME_AS) from curated places to their divisions: made by `kg
    divisions import` from the curated places' codes, so licensed as the curated data."""
    return About(
        name=LINKS_DATASET,
        version=VERSION,
        title=f"{curated.name} → {DATASET}: curated places linked to their divisions",
        description=(
            "One identity link from every curated place with a division code to the division "
            f"of {PACKAGE} {VERSION} with that code."
        ),
        license=curated.license,
        creator=curated.creator,
        publisher=curated.publisher,
        links=(curated.name, identity, DATASET),
    )
