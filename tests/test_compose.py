"""docker-compose.yml cannot run here (no Docker engine), so it is checked statically."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from loader.neo4j import target as connection
from loader.neo4j.install import pinned_version

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_neo4j_image_is_the_pinned_community_release() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert re.fullmatch(r"neo4j:5\.26\.\d+-community", neo4j["image"])
    assert neo4j["image"] == f"neo4j:{pinned_version()}-community"


def test_ports_auth_healthcheck_and_volume() -> None:
    compose = _compose()
    neo4j = compose["services"]["neo4j"]
    published = {p.rsplit(":", 1)[-1] for p in neo4j["ports"]}
    assert published == {"7474", "7687"}
    assert re.fullmatch(
        r"neo4j/\$\{NEO4J_PASSWORD(:\?[^}]*)?\}", neo4j["environment"]["NEO4J_AUTH"]
    )
    assert neo4j["healthcheck"]["test"]
    [data_volume] = [v for v in neo4j["volumes"] if v.endswith(":/data")]
    assert data_volume.split(":")[0] in compose["volumes"]


def test_loader_service_uses_the_loaders_own_settings() -> None:
    loader = _compose()["services"]["loader"]
    assert loader["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert loader["build"] == "."
    names = {
        connection.ENV_URI,
        connection.ENV_USERNAME,
        connection.ENV_PASSWORD,
        connection.ENV_DATABASE,
    }
    assert set(loader["environment"]) == names
    assert loader["environment"][connection.ENV_URI].startswith("bolt://neo4j:")
    assert "${NEO4J_PASSWORD" in loader["environment"][connection.ENV_PASSWORD]


def test_dockerfile_runs_the_main_job_and_env_example_exists() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert 'ENTRYPOINT ["kg"]' in dockerfile
    assert _compose()["services"]["loader"]["command"] == ["run"]
    example = (ROOT / ".env.example").read_text("utf-8")
    assert re.search(r"^NEO4J_PASSWORD=", example, re.M)
    assert ".env" in (ROOT / ".gitignore").read_text("utf-8").split()
    for copied in re.findall(r"^COPY (\S+) ", dockerfile, re.M):
        assert (ROOT / copied).exists(), copied


def test_compose_v1_and_v2_read_it_and_the_report_reaches_the_host() -> None:
    """docker-compose 1.29 refuses a top-level `name:`; the health check needs no wget or curl
    (the image has neither for sure); the main job's report/ is a host folder; the published
    ports follow the managed server's settings, so the two can run side by side."""
    compose = _compose()
    assert set(compose) <= {"services", "volumes"}
    neo4j, loader = compose["services"]["neo4j"], compose["services"]["loader"]
    check = " ".join(neo4j["healthcheck"]["test"])
    assert "wget" not in check and "curl" not in check and "/dev/tcp/127.0.0.1/7687" in check
    assert "./report:/app/report" in loader["volumes"]
    hosts = {p.split(":")[1] for p in neo4j["ports"]}
    assert hosts == {"${KG_NEO4J_HTTP_PORT", "${KG_NEO4J_BOLT_PORT"}
