"""Installing a Neo4j home from Maven Central: the pinned pom's jars copied into `home/lib`.

The pom ships inside the package (package data), so an installed `kg` finds it too; Java 17+
and Maven must be on the machine.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from loader.model.errors import ServerError, ToolMissing

log = logging.getLogger(__name__)

POM = Path(str(resources.files("loader.neo4j").joinpath("pom.xml")))  # package data
INSTALL_MARKER = ".kg-installed"
MIN_JAVA = 17


@dataclass(frozen=True)
class InstallResult:
    home: Path
    version: str
    already_installed: bool


def pinned_version(pom: Path = POM) -> str:
    """The Neo4j version pinned in the pom: the one place it is written."""
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", pom.read_text("utf-8"))
    if match is None:
        raise ServerError(f"{pom}: no <neo4j.version> property")
    return match.group(1).strip()


def java_binary() -> str:
    """The `java` that runs Neo4j: $JAVA_HOME/bin/java, else the one on PATH; must be 17+."""
    return java_found()[0]


def java_found() -> tuple[str, int]:
    """The `java` that runs Neo4j and its major version (17+), or `ToolMissing` saying why."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise ToolMissing(f"Java {MIN_JAVA}+ is required to run Neo4j, but no `java` was found")
    try:
        out = subprocess.run(
            [candidate, "-version"], capture_output=True, text=True, check=False, timeout=30
        )
    except subprocess.TimeoutExpired:
        raise ToolMissing(f"{candidate} -version did not answer in 30 s") from None
    except OSError as exc:  # not executable, not a program for this machine
        raise ToolMissing(f"{candidate} cannot run: {exc.strerror or exc}") from None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if match is None:
        raise ToolMissing(f"cannot tell the Java version of {candidate}")
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise ToolMissing(f"Java {MIN_JAVA}+ is required to run Neo4j; {candidate} is Java {major}")
    return candidate, major


def maven_binary() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ToolMissing("Maven (`mvn`) is required to install Neo4j from Maven Central")
    return mvn


def install_jars(home: Path, running: bool) -> InstallResult:
    """Copy the pinned jars into `home/lib`; a no-op when the same pom was installed."""
    version = pinned_version()
    fingerprint = hashlib.sha256(POM.read_bytes()).hexdigest()
    lib = home / "lib"
    marker = lib / INSTALL_MARKER
    if marker.exists() and marker.read_text("utf-8").strip() == fingerprint:
        return InstallResult(home, version, already_installed=True)
    java_binary()
    mvn = maven_binary()
    if running:
        raise ServerError(f"stop the server in {home} before reinstalling it")
    home.mkdir(parents=True, exist_ok=True)
    staging = home / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging}",
    ]
    log.info("running %s", " ".join(cmd))
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = first_error_line(done.stdout + done.stderr)
        raise ServerError(f"Maven could not fetch the Neo4j {version} jars: {detail}")
    (staging / INSTALL_MARKER).write_text(fingerprint + "\n", "utf-8")
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(exist_ok=True)
    return InstallResult(home, version, already_installed=False)


def first_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if "ERROR" in line or "Error" in line or "error:" in line:
            return line[:300]
    return lines[-1][:300] if lines else "no output"
