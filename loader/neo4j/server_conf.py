"""The managed server's neo4j.conf: loopback only, auth on, sized for a 2-core, 24 GiB machine."""

from __future__ import annotations

from loader.model.errors import ConfigError

# Carried over from the official tarball's neo4j.conf: without them some features fail on Java 17+.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)


def conf_text(
    bolt_port: int, http_port: int, file_urls: bool = False, post_connect_cmd: str | None = None
) -> str:
    """neo4j.conf for a loopback-only server sized for a 2-core, 24 GiB machine.

    LOAD CSV may not read the server's files (`file:///etc/passwd`) unless `file_urls` (the
    user's opt-in), and then only inside the home's import folder. `post_connect_cmd` is what
    Neo4j Browser runs after each login (the project's stylesheet): one line, Browser's syntax."""
    lines = [
        "# Written by jinshan-kg when it starts the managed server; edits are overwritten.",
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
        f"server.bolt.advertised_address=127.0.0.1:{bolt_port}",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.http.enabled=true",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        "client.allow_telemetry=false",
        "server.memory.heap.initial_size=1g",
        "server.memory.heap.max_size=2g",
        "server.memory.pagecache.size=1g",
        "db.tx_log.rotation.retention_policy=1 files",
        "server.config.strict_validation.enabled=true",
        "server.directories.import=import",
        f"dbms.security.allow_csv_import_from_file_urls={'true' if file_urls else 'false'}",
    ]
    if post_connect_cmd:
        lines.append(f"browser.post_connect_cmd={_conf_value(post_connect_cmd)}")
    lines += [f"server.jvm.additional={flag}" for flag in JVM_FLAGS]
    return "\n".join(lines) + "\n"


def _conf_value(value: str) -> str:
    """`value` as neo4j.conf reads it back (Java properties: `\\` escapes, one line per setting,
    ISO-8859-1): printable ASCII only, backslashes doubled."""
    if not value.isascii() or not value.isprintable():
        raise ConfigError("a neo4j.conf value must be printable ASCII on one line")
    return value.replace("\\", "\\\\")
