"""Signup test helpers: run queued jobs, read the OTP from the captured e-mail, walk the pages."""

import email
import re
import time
import uuid
from email import policy
from pathlib import Path

import pytest

from tests.conftest import client_on
from tests.support.jobs import run_jobs

PASSWORD = "Daftar#Baru2026x"
BASE = "http://localhost"


def mails_to(app, address: str) -> list:
    folder = Path(app.config["MAIL_CAPTURE_DIR"])
    found = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime) if folder.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def latest_mail_match(app, address: str, pattern: str, timeout=10.0) -> re.Match:
    """Run the mail jobs until a message reaches `address`; the pattern searched in its newest text."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        run_jobs(app)
        messages = mails_to(app, address)
        if messages:
            return re.search(pattern, messages[-1].get_body(("plain",)).get_content())
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address}")


def latest_code(app, address: str, timeout=10.0) -> str:
    return latest_mail_match(app, address, r"\b(\d{6})\b", timeout).group(1)


def new_identity(prefix="pt"):
    tag = uuid.uuid4().hex[:8]
    return {
        "full_name": "Budi Santoso",
        "company_name": f"{prefix.upper()} Kirim Cepat {tag}",
        "email": f"budi-{tag}@{prefix}-{tag}.example",
        "password": PASSWORD,
        "slug": f"{prefix}-{tag}",
    }


def start_signup(app, prefix="pt", verify=True):
    """(client on the base domain, identity) with the e-mail confirmed."""
    if True:
        client = client_on(app, BASE)
        identity = new_identity(prefix)
        response = client.post("/daftar/", data=identity)
        assert response.status_code == 302, response.get_data(as_text=True)
        if verify:
            code = latest_code(app, identity["email"])
            assert client.post("/daftar/otp", data={"code": code}).status_code == 302
        return client, identity


@pytest.fixture()
def signup(app):
    return lambda prefix="pt", verify=True: start_signup(app, prefix, verify)


def poll_status(app, client, want: str, timeout=15.0) -> dict:
    deadline = time.time() + timeout
    state = None
    while time.time() < deadline:
        run_jobs(app)
        state = client.get("/daftar/status").json
        if state["state"] == want:
            return state
        time.sleep(0.1)
    raise AssertionError(f"status stayed {state}")


def pay_in_sandbox(app, client, response):
    """Follow the Langganan page's checkout: poll the order, pay in the sandbox (its signed webhook)."""
    assert response.status_code == 302 and "order=" in response.headers["Location"], response.headers
    order_id = response.headers["Location"].split("order=")[1]
    order = {"state": "preparing"}
    for _ in range(50):
        run_jobs(app, wait=0.1)
        order = client.get(f"/langganan/order/{order_id}").json
        if order["state"] != "preparing":
            break
    assert order["state"] == "checkout"
    paid = client.post(order["next"], data={"outcome": "paid"})
    assert paid.status_code == 302
    assert client.get(f"/langganan/order/{order_id}").json == {"state": "paid"}
    return paid
