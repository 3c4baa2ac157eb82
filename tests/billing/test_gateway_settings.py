"""The gateway settings the README documents are read from the environment by config.py: where the
gateways are (base URLs, by MIDTRANS_IS_PRODUCTION unless set) and where they send the buyer back."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.billing.gateways.fakes import FakeMidtrans, FakeXendit
from tests.signup.conftest import poll_status, start_signup

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_KEYS = ("PAYMENT_GATEWAY", "MIDTRANS_", "XENDIT_")


def settings_from_env(**env) -> dict:
    """config.py's gateway settings as a fresh process reads them from this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(GATEWAY_KEYS)}
    code = (
        "import json, config; "
        f"print(json.dumps({{k: getattr(config, k) for k in dir(config) if k.startswith({GATEWAY_KEYS!r})}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_base_urls_default_to_the_gateways_sandbox_or_production_hosts():
    sandbox = settings_from_env()
    assert sandbox["MIDTRANS_SNAP_BASE_URL"] == "https://app.sandbox.midtrans.com"
    assert sandbox["MIDTRANS_API_BASE_URL"] == "https://api.sandbox.midtrans.com"
    assert sandbox["XENDIT_API_BASE_URL"] == "https://api.xendit.co"
    production = settings_from_env(MIDTRANS_IS_PRODUCTION="true")
    assert production["MIDTRANS_SNAP_BASE_URL"] == "https://app.midtrans.com"
    assert production["MIDTRANS_API_BASE_URL"] == "https://api.midtrans.com"


def _checkout_request(app, use_settings, fake, endpoint, **env):
    """config.py reads `env`; a new signup then picks a paid plan: the request its checkout sent to the fake's
    `endpoint`."""
    use_settings(settings_from_env(**env))
    client, _identity = start_signup(app, "cg")
    client.post("/daftar/plan", data={"plan": "pro"})
    poll_status(app, client, "checkout")
    (sent,) = [r for r in fake.requests if (r.method, r.path) == ("POST", endpoint)]
    return sent


def test_midtrans_checkout_goes_to_the_configured_host_with_the_finish_url(app, use_settings):
    finish = "https://localhost/daftar/finish"
    with FakeMidtrans(server_key="SB-Mid-server-CFG") as fake:
        hosts = dict.fromkeys(("MIDTRANS_SNAP_BASE_URL", "MIDTRANS_API_BASE_URL"), fake.base_url)
        env = {"PAYMENT_GATEWAY": "midtrans", "MIDTRANS_SERVER_KEY": "SB-Mid-server-CFG", "MIDTRANS_FINISH_URL": finish}
        sent = _checkout_request(app, use_settings, fake, "/snap/v1/transactions", **env, **hosts)
    assert sent.basic_auth == ("SB-Mid-server-CFG", "")
    assert sent.json["callbacks"] == {"finish": finish}


def test_xendit_invoice_goes_to_the_configured_host_with_the_redirect_urls(app, use_settings):
    paid, failed = "https://localhost/daftar/finish?paid=1", "https://localhost/daftar/finish?failed=1"
    with FakeXendit(secret_key="xnd_development_CFG") as fake:
        keys = {"XENDIT_SECRET_KEY": "xnd_development_CFG", "XENDIT_CALLBACK_TOKEN": "cb-token-CFG"}
        urls = {"XENDIT_SUCCESS_REDIRECT_URL": paid, "XENDIT_FAILURE_REDIRECT_URL": failed}
        gateway = {"PAYMENT_GATEWAY": "xendit", "XENDIT_API_BASE_URL": fake.base_url}
        sent = _checkout_request(app, use_settings, fake, "/v2/invoices", **gateway, **keys, **urls)
    assert sent.json["success_redirect_url"] == paid
    assert sent.json["failure_redirect_url"] == failed
