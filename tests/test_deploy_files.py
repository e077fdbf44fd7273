"""The files in `deploy/` are well-formed and agree with the code: systemd units, the nginx site, the environment.

Python checks the structure everywhere; `systemd-analyze verify` and `nginx -t` run too where installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import pytest
from dotenv import dotenv_values

from bot import PROJECT_ROOT
from bot.channels import whatsapp
from bot.channels.http import MAX_BODY
from bot.config import WHATSAPP_REQUIRED, load_settings
from bot.dashboard.web import Dashboard
from bot.faq.content import Content
from bot.storage.connection import Connection

DEPLOY = PROJECT_ROOT / "deploy"
WORKER_UNIT = DEPLOY / "systemd" / "kawan@.service"
TARGET_UNIT = DEPLOY / "systemd" / "kawan.target"
NGINX_SITE = DEPLOY / "nginx" / "kawan.conf"
ENV_EXAMPLE = DEPLOY / "kawan.env.example"
INSTANCES = (1, 2, 3, 4)
UPSTREAM = "kawan_workers"
SBIN = os.pathsep.join(("/usr/local/sbin", "/usr/sbin", "/sbin"))  # not on a normal user's PATH on Debian

# --- systemd ------------------------------------------------------------------------------------------

# The keys these units may use, per section; a typo is an unknown key, which systemd only warns about.
UNIT_KEYS = {
    "Unit": {
        "Description", "Documentation", "After", "Before", "Wants", "Requires", "BindsTo", "PartOf",
        "StartLimitIntervalSec", "StartLimitBurst",
    },
    "Service": {
        "Type", "User", "Group", "EnvironmentFile", "Environment", "StateDirectory", "CacheDirectory",
        "WorkingDirectory", "ExecStart", "Restart", "RestartSec", "RestartPreventExitStatus", "KillSignal",
        "KillMode", "TimeoutStopSec", "ReadWritePaths", "NoNewPrivileges", "ProtectSystem", "ProtectHome",
        "PrivateTmp", "PrivateDevices", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
        "ProtectControlGroups", "ProtectClock", "ProtectHostname", "RestrictAddressFamilies",
        "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality",
        "SystemCallArchitectures", "CapabilityBoundingSet", "UMask",
    },
    "Install": {"WantedBy", "RequiredBy", "Alias", "Also"},
}  # fmt: skip
SPECIFIERS = set("iIjJnNpPfuUgGhHsStTlLmMbBvaAoOwWECdrRVq%")  # systemd.unit(5), "Specifiers"


@dataclass
class Unit:
    """A unit file as systemd reads it: sections of (key, value) lines, where a key may repeat."""

    sections: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def values(self, section: str, key: str) -> list[str]:
        return [value for k, value in self.sections.get(section, []) if k == key]

    def one(self, section: str, key: str) -> str:
        found = self.values(section, key)
        assert len(found) == 1, f"[{section}] {key}= should be set once, found {found}"
        return found[0]


def parse_unit(path: Path) -> Unit:
    """A tiny unit-file parser: configparser cannot keep repeated keys (`Environment=` twice) apart."""
    unit = Unit()
    section: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith(("#", ";")):
            continue
        assert not line.endswith("\\"), f"{where}: keep each setting on one line"
        if header := re.fullmatch(r"\[(\w+)\]", line):
            section = header.group(1)
            assert section not in unit.sections, f"{where}: section [{section}] appears twice"
            unit.sections[section] = []
            continue
        assert section is not None, f"{where}: a setting before the first [Section]"
        key, equals, value = line.partition("=")
        assert equals and re.fullmatch(r"[A-Za-z]+", key.strip()), f"{where}: expected Key=value, got {line!r}"
        unit.sections[section].append((key.strip(), value.strip()))
    return unit


def expand(value: str, instance: int) -> str:
    """The value as instance N sees it (only the specifiers these units use)."""
    return value.replace("%i", str(instance)).replace("%I", str(instance)).replace("%%", "%")


@pytest.fixture(scope="module")
def worker() -> Unit:
    return parse_unit(WORKER_UNIT)


@pytest.fixture(scope="module")
def target() -> Unit:
    return parse_unit(TARGET_UNIT)


@pytest.mark.parametrize("path", [WORKER_UNIT, TARGET_UNIT], ids=lambda p: p.name)
def test_units_use_only_known_sections_keys_and_specifiers(path: Path) -> None:
    unit = parse_unit(path)
    for section, lines in unit.sections.items():
        assert section in UNIT_KEYS, f"{path.name}: unknown section [{section}]"
        for key, value in lines:
            assert key in UNIT_KEYS[section], f"{path.name}: unknown key {key}= in [{section}]"
            for specifier in re.findall(r"%(.?)", value):
                assert specifier in SPECIFIERS, f"{path.name}: {key}={value} has an unknown specifier %{specifier}"


def test_a_worker_runs_kawan_as_its_own_user_with_the_shared_environment(worker: Unit) -> None:
    assert set(worker.sections) == {"Unit", "Service", "Install"}
    assert "%i" in worker.one("Unit", "Description")
    assert worker.one("Service", "ExecStart") == "/opt/kawan/.venv/bin/kawan run"
    assert worker.one("Service", "User") == "kawan"
    assert worker.one("Service", "Restart") == "on-failure"
    assert worker.one("Service", "EnvironmentFile") == "/etc/kawan/kawan.env"
    assert worker.one("Service", "RestartPreventExitStatus") == "2"  # bot.cli's EXIT_CONFIG: restarting cannot help


def test_a_worker_stops_on_sigterm_with_time_for_answers_in_flight(worker: Unit) -> None:
    assert worker.one("Service", "KillSignal") == "SIGTERM"
    timeout = worker.one("Service", "TimeoutStopSec")
    assert timeout.isdigit(), "TimeoutStopSec in plain seconds"
    assert int(timeout) > 2 * whatsapp.STOP_GRACE_SECONDS  # answers in flight, then closing the pools


def test_a_worker_is_hardened_and_writes_only_the_cache_folder(worker: Unit) -> None:
    hardening = {"NoNewPrivileges": "true", "ProtectSystem": "strict", "ProtectHome": "true", "PrivateTmp": "true"}
    for key, value in hardening.items():
        assert worker.one("Service", key) == value, key
    cache_dir = env_values()["KAWAN_CACHE_DIR"]
    assert worker.values("Service", "ReadWritePaths") == [cache_dir]
    assert f"/var/cache/{worker.one('Service', 'CacheDirectory')}" == cache_dir  # systemd creates it for `kawan`
    mpl = [v for v in worker.values("Service", "Environment") if v.startswith("MPLCONFIGDIR=")]
    assert len(mpl) == 1 and mpl[0].removeprefix("MPLCONFIGDIR=").startswith(cache_dir + "/")


def test_each_instance_listens_on_its_own_port_and_nginx_forwards_to_every_one(worker: Unit) -> None:
    environment = worker.values("Service", "Environment")
    ports = [v.partition("=")[2] for v in environment if v.startswith("KAWAN_WEBHOOK_PORT=")]
    assert len(ports) == 1, "one Environment=KAWAN_WEBHOOK_PORT=… line"
    assert "%i" in ports[0], "the port is made from the instance name"
    per_instance = [expand(ports[0], n) for n in INSTANCES]
    assert all(p.isdigit() and 1024 < int(p) <= 65535 for p in per_instance), per_instance
    assert len(set(per_instance)) == len(INSTANCES)
    assert upstream_ports(parse_nginx(NGINX_SITE.read_text(encoding="utf-8"))) == [int(p) for p in per_instance]


def test_the_environment_file_leaves_the_port_to_each_instance() -> None:
    # systemd lets EnvironmentFile= win over Environment=: a port in the file would give every worker the same one.
    assert "KAWAN_WEBHOOK_PORT" not in env_values()


def test_workers_start_and_stop_with_the_target(worker: Unit, target: Unit) -> None:
    assert worker.one("Install", "WantedBy") == "kawan.target"
    assert worker.one("Unit", "PartOf") == "kawan.target"
    assert set(target.sections) == {"Unit", "Install"}
    assert target.one("Install", "WantedBy") == "multi-user.target"


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the structural checks above still ran")
    # verify insists that ExecStart's program exists: an instance with a stand-in program, the rest unchanged.
    unit_text = WORKER_UNIT.read_text(encoding="utf-8")
    stand_in = shutil.which("true") or "/bin/true"
    instance = tmp_path / "kawan@1.service"
    instance.write_text(unit_text.replace("/opt/kawan/.venv/bin/kawan run", stand_in), encoding="utf-8")
    shutil.copy(TARGET_UNIT, tmp_path / TARGET_UNIT.name)
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(instance), str(tmp_path / TARGET_UNIT.name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "kawan" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr


# --- nginx --------------------------------------------------------------------------------------------

BLOCKS = {"http", "events", "upstream", "server", "location", "limit_except"}
DIRECTIVES = {
    "server", "keepalive", "log_format", "listen", "server_name", "access_log", "error_log", "root", "return",
    "ssl_certificate", "ssl_certificate_key", "ssl_protocols", "ssl_session_cache", "ssl_session_timeout",
    "server_tokens", "client_max_body_size", "proxy_http_version", "proxy_set_header", "proxy_connect_timeout",
    "proxy_read_timeout", "proxy_pass", "proxy_next_upstream", "deny", "allow", "include",
}  # fmt: skip
MULTI_LINE = {"log_format"}  # the only directive written over several lines


@dataclass
class Directive:
    name: str
    args: list[str]
    line: int
    children: list[Directive] | None = None  # a block

    def find(self, name: str) -> list[Directive]:
        return [child for child in self.children or [] if child.name == name]


def parse_nginx(text: str) -> Directive:
    """Statements and blocks: unbalanced braces, a missing `;` or an unknown directive fail with the line."""
    root = Directive("main", [], 0, [])
    stack = [root]
    words: list[tuple[str, int]] = []
    for token, line in _nginx_tokens(text):
        if token in (";", "{"):
            assert words, f"line {line}: {token!r} without a directive"
            name, first = words[0]
            args = [word for word, _ in words[1:]]
            block = token == "{"
            known = BLOCKS if block else DIRECTIVES
            assert name in known, f"line {first}: {name!r} is not a known {'block' if block else 'directive'}"
            assert line == first or name in MULTI_LINE, f"line {first}: {name} runs over lines (a missing ';'?)"
            directive = Directive(name, args, first, [] if block else None)
            cast(list[Directive], stack[-1].children).append(directive)
            if block:
                stack.append(directive)
            words = []
        elif token == "}":
            assert not words, f"line {line}: '{words[0][0]}' before '}}' has no ';'"
            assert len(stack) > 1, f"line {line}: '}}' closes nothing"
            stack.pop()
        else:
            words.append((token, line))
    assert not words, f"the file ends inside the directive {words[0][0]!r}"
    assert len(stack) == 1, f"the block opened on line {stack[-1].line} is never closed"
    return root


def _nginx_tokens(text: str) -> list[tuple[str, int]]:
    """Words, quoted strings (without their quotes) and the characters ; { }, each with its line number."""
    tokens = []
    pattern = re.compile(r"""#[^\n]*|'([^']*)'|"([^"]*)"|([;{}])|([^\s;{}'"#]+)|(\n)|[ \t\r]+""")
    line = 1
    for match in pattern.finditer(text):
        single, double, punct, word, newline = match.groups()
        if newline:
            line += 1
        elif single is not None or double is not None:
            tokens.append((single if single is not None else double, line))
            line += match.group(0).count("\n")
        elif punct or word:
            tokens.append((punct or word, line))
    assert "".join(m.group(0) for m in pattern.finditer(text)) == text, "a character the tokenizer cannot read"
    return tokens


def upstream_ports(root: Directive) -> list[int]:
    (upstream,) = [block for block in root.find("upstream") if block.args == [UPSTREAM]]
    return [int(server.args[0].rsplit(":", 1)[1]) for server in upstream.find("server")]


def servers(root: Directive) -> tuple[Directive, Directive]:
    """(the port 80 server, the TLS server)."""
    plain = [s for s in root.find("server") if any(d.args[0] == "80" for d in s.find("listen"))]
    tls = [s for s in root.find("server") if any(d.args[:2] == ["443", "ssl"] for d in s.find("listen"))]
    assert len(plain) == 1 and len(tls) == 1, "one server on port 80 and one on 443 with ssl"
    return plain[0], tls[0]


def matching_location(server: Directive, path: str) -> Directive:
    """The location nginx picks for `path`: an exact match, else the longest prefix (the file has no regexes)."""
    locations = server.find("location")
    assert all(loc.args[0] in ("=", "^~") or loc.args[0].startswith("/") for loc in locations), "no regex locations"
    for location in locations:
        if location.args[0] == "=" and location.args[1] == path:
            return location
    prefixes = [loc for loc in locations if loc.args[0] != "=" and path.startswith(loc.args[-1])]
    assert prefixes, f"no location matches {path}"
    return max(prefixes, key=lambda loc: len(loc.args[-1]))


def proxies_to_kawan(location: Directive) -> bool:
    return [d.args for d in location.find("proxy_pass")] == [[f"http://{UPSTREAM}"]]


def kawan_paths() -> list[str]:
    """Every path Kawan's listener serves, taken from the code: Telegram's webhook, WhatsApp's, the dashboard's."""
    paths = [urlsplit(env_values()["KAWAN_WEBHOOK_URL"]).path or "/", whatsapp.PATH]
    content = cast(Content, None)
    dashboard = Dashboard(cast(Connection, None), lambda: content, "t" * 16, lambda: datetime.now(UTC))
    dashboard.attach(lambda _method, path, _handler: paths.append(path))
    return sorted(set(paths))


@pytest.fixture(scope="module")
def site() -> Directive:
    return parse_nginx(NGINX_SITE.read_text(encoding="utf-8"))


def test_the_nginx_parser_catches_what_nginx_would_refuse() -> None:
    for broken in (
        "server { listen 80 }",  # a missing ;
        "server { listen 80;",  # never closed
        "server { location / { return 404; } } }",  # one } too many
        "server { proxy_pass http://a\n location / { return 404; } }",  # a missing ; swallows the next block
        "server { lisen 80; }",  # a typo
    ):
        with pytest.raises(AssertionError):
            parse_nginx(broken)


def test_every_nginx_line_ends_a_statement_or_a_block() -> None:
    text = NGINX_SITE.read_text(encoding="utf-8")
    continuing = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"\s+#[^'\"]*$", "", raw.strip())  # a comment after the statement
        if not line or line.startswith("#"):
            continue
        starts_log_format = line.startswith("log_format ")
        ends = line.endswith((";", "{", "}"))
        assert ends or starts_log_format or continuing, f"line {number} does not end with ; {{ or }}: {raw!r}"
        continuing = (starts_log_format or continuing) and not ends


def test_only_kawans_paths_reach_the_workers_and_everything_else_is_404(site: Directive) -> None:
    _, tls = servers(site)
    for path in kawan_paths():
        location = matching_location(tls, path)
        assert proxies_to_kawan(location), f"{path} is not forwarded to the workers (location {location.args})"
    for path in ("/", "/index.html", "/administrator", "/whatsapp/x", "/telegramx", "/.env", "/metrics"):
        location = matching_location(tls, path)
        assert [d.args for d in location.find("return")] == [["404"]], f"{path} should be 404"
    assert {" ".join(loc.args) for loc in tls.find("location") if proxies_to_kawan(loc)} == {
        "= /telegram",
        "= /whatsapp",
        "= /admin",
        "/admin/",
    }


def test_the_telegram_location_is_the_path_of_the_webhook_url(site: Directive) -> None:
    path = urlsplit(env_values()["KAWAN_WEBHOOK_URL"]).path
    _, tls = servers(site)
    assert [loc.args for loc in tls.find("location") if loc.args[-1] == path] == [["=", path]]


def test_the_tls_server_forwards_the_scheme_and_limits_bodies_like_kawan(site: Directive) -> None:
    _, tls = servers(site)
    (size,) = [d.args for d in tls.find("client_max_body_size")]
    assert size == ["1m"] and MAX_BODY == 1024 * 1024, "nginx refuses what Kawan would refuse anyway"
    headers = [d.args for d in tls.find("proxy_set_header")]
    assert ["X-Forwarded-Proto", "$scheme"] in headers  # the dashboard's cookie is Secure behind https
    for location in tls.find("location"):
        assert not location.find("proxy_set_header"), "a location's own headers would drop the server's"
    assert tls.find("ssl_certificate") and tls.find("ssl_certificate_key")


def test_port_80_only_redirects_to_https(site: Directive) -> None:
    plain, _ = servers(site)
    assert not any(proxies_to_kawan(loc) for loc in plain.find("location"))
    assert [d.args for d in matching_location(plain, "/whatsapp").find("return")] == [
        ["301", "https://$host$request_uri"]
    ]


def test_access_logs_leave_out_query_strings(site: Directive) -> None:
    # Meta's handshake carries the verify token in the query string (GET /whatsapp?hub.verify_token=…).
    formats = {d.args[0]: " ".join(d.args[1:]) for d in site.find("log_format")}
    for server in site.find("server"):
        logs = server.find("access_log")
        assert logs, "every server names its access log (nginx's default format prints the query string)"
        for log in logs:
            assert len(log.args) == 2 and log.args[1] in formats, f"access_log {log.args} needs our format"
            assert not re.search(r"\$(request|request_uri|args|query_string|arg_\w+)\b", formats[log.args[1]])


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    nginx = shutil.which("nginx", path=os.pathsep.join((os.environ.get("PATH", ""), SBIN)))
    if nginx is None:
        pytest.skip("nginx is not installed; the structural checks above still ran")
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: no stand-in certificate for nginx -t")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    self_signed = "req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=kawan.example.com".split()
    subprocess.run(
        [openssl, *self_signed, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = NGINX_SITE.read_text(encoding="utf-8")
    site = site.replace("/etc/letsencrypt/live/kawan.example.com/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/kawan.example.com/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "kawan.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text(
        f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{\n{temp}\n    include {tmp_path}/kawan.conf;\n}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(wrapper)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


# --- the environment ----------------------------------------------------------------------------------


def env_values() -> dict[str, str]:
    """The variables the example sets (not the commented ones)."""
    return {name: value or "" for name, value in dotenv_values(ENV_EXAMPLE).items()}


def env_names_mentioned() -> set[str]:
    """Every variable the example sets or shows commented out (`# KAWAN_RETENTION_DAYS=30,365`)."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def config_names() -> set[str]:
    """The variables bot/config.py reads."""
    source = (PROJECT_ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    return set(re.findall(r'\bget\(\s*"([A-Z][A-Z0-9_]*)"\s*\)', source)) | set(WHATSAPP_REQUIRED)


def test_the_environment_names_only_variables_kawan_reads() -> None:
    assert env_names_mentioned(), "no variables found in the example"
    unknown = env_names_mentioned() - config_names()
    assert not unknown, f"not read by bot/config.py (a typo?): {sorted(unknown)}"


def test_the_environment_values_read_the_same_in_systemd_and_dotenv() -> None:
    # systemd's EnvironmentFile= and python-dotenv differ on quotes, escapes and $: plain values only.
    for name, value in env_values().items():
        assert not re.search(r"""[\s'"\\$`]""", value), f"{name}: keep the value plain (no quotes, spaces, $ or \\)"


def test_the_environment_is_valid_and_for_production() -> None:
    values = env_values() | {"KAWAN_CONTENT": str(PROJECT_ROOT / "content")}  # /opt/kawan is not here
    settings = load_settings(values, env_file=None)
    assert settings.db_url is not None and settings.db_url.startswith("postgresql://")
    assert settings.telegram is not None and settings.telegram.webhook_url is not None, "several workers need a webhook"
    assert settings.telegram.webhook_secret is not None
    assert settings.whatsapp is not None and settings.dashboard_token is not None
    assert settings.webhook_listen == "127.0.0.1"
    assert str(settings.cache_dir) == "/var/cache/kawan"
    assert urlsplit(settings.telegram.webhook_url).hostname == "kawan.example.com"


def test_the_environment_holds_placeholders_never_secrets() -> None:
    values = env_values() | {"KAWAN_CONTENT": str(PROJECT_ROOT / "content")}
    settings = load_settings(values, env_file=None)
    assert len(settings.secrets) == 7  # tokens, secrets and the database password: all of them set
    for secret in settings.secrets:
        assert "CHANGE-ME" in secret, "a secret in the example must be an obvious placeholder"
