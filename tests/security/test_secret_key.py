"""Only an explicit development mode may run with the public development SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATH = str(Path(sys.executable).parent) + ":/usr/bin:/bin"


def _import_config(**env):
    return subprocess.run(
        [sys.executable, "-c", "import config; print(config.SECRET_KEY)"],
        cwd=ROOT,
        env={"PATH": PATH, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("env", [{}, {"APP_ENV": "staging"}, {"APP_ENV": "production"}, {"FLASK_ENV": "Production"}])
def test_a_server_without_secret_key_refuses_to_start(env):
    result = _import_config(**env)
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and "SECRET_KEY is required" in result.stderr


def test_explicit_development_mode_may_use_the_development_key():
    result = _import_config(APP_ENV="development")
    assert result.returncode == 0 and result.stdout.strip().startswith("dev-only")
    assert _import_config(SECRET_KEY="s" * 40).stdout.strip() == "s" * 40


def test_the_flask_cli_refuses_too():
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run.py", "routes"],
        cwd=ROOT,
        env={"PATH": PATH},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr


def test_the_web_process_requires_secret_key():
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "APP_ENV")}
    env["APP_ENV"] = "development"  # even then: bin/web is what a PaaS runs
    result = subprocess.run(["bash", str(ROOT / "bin" / "web")], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr
