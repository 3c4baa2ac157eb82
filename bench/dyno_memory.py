"""One 512 MB dyno: the memory of web + worker + scheduler (SINGLE_DYNO=1) while the heaviest job runs.

    python -m bench.dyno_memory [--requests 8000] [--server postgresql://postgres@127.0.0.1:5432/test]
                                [--redis redis://127.0.0.1:6379/6]

Makes a throwaway PostgreSQL database, runs the release and the demo seed, starts `bin/web` with
SINGLE_DYNO=1 (gunicorn, `flask worker` and `flask scheduler` in one process group, as on the dyno),
signs in as owner@demo.test and requests the shipment list N times, then, signed in as the vendor
admin, starts an invoice PDF job (xhtml2pdf + reportlab: the largest job) and samples the summed PSS
(/proc/<pid>/smaps_rollup) of every process of the group until the job is done. Prints the PSS after
the list requests and the peak during the job. Everything started is stopped, the database dropped.
"""

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]


def group_pss_mb(root: int) -> float:
    return sum(group_pss_kb(root).values()) / 1024


def group_pss_kb(root: int) -> dict[int, int]:
    """PSS in kB of `root` and every descendant (RQ's work-horse runs in a session of its own)."""
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
        found[pid] = int(match.group(1)) if match else 0
    return found


class Client:
    """A signed-in browser on one host: cookies and the form's CSRF token."""

    def __init__(self, port: int, host: str):
        self.port, self.host, self.cookies = port, host, {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response, data.decode(errors="replace")

    def csrf(self, path: str) -> str:
        _response, page = self.request("GET", path)
        tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
        return re.search(r'value="([^"]+)"', tag).group(1)

    def login(self, email: str, password: str) -> None:
        token = self.csrf("/login/")
        response, _page = self.request(
            "POST", "/login/", {"csrf_token": token, "username": email, "password": password}
        )
        assert response.status == 302, f"login as {email} failed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=8000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/6")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from tests.support import servers

    name = f"silog_dyno_{uuid.uuid4().hex[:8]}"
    servers.create_database(args.server, name)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    work = Path(f"/tmp/{name}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "WEB_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
        FLASK_APP="run.py",
        DATABASE_URL=servers.with_database(args.server, name),
        REDIS_URL=args.redis,
        RQ_QUEUE_PREFIX=f"{name}-",
        PORT=str(port),
        BASE_DOMAIN="localhost",
        SINGLE_DYNO="1",
        FILE_STORAGE_DIR=str(work / "files"),
        MAIL_CAPTURE_DIR=str(work / "mail"),
        AUTH_RATE_LIMITED="0",
        RATELIMIT_ENABLED="0",
    )
    web = None
    try:
        for command in (["flask", "app-release"], ["flask", "seed-demo"]):
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        web = subprocess.Popen(
            ["bash", "-c", "bin/web"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                Client(port, "localhost").request("GET", "/health")
                break
            except OSError:
                time.sleep(0.2)
        password = env.get("DEMO_PASSWORD", "DemoPass#2026")
        tenant = Client(port, "demo.localhost")
        tenant.login("owner@demo.test", password)
        for _ in range(args.requests):
            response, _page = tenant.request("GET", "/shipments/")
            assert response.status == 200
        before_job = group_pss_mb(web.pid)

        vendor = Client(port, "localhost")
        vendor.login("admin@vendor.test", password)
        _response, listing = vendor.request("GET", "/billing/invoices/")
        pk = re.search(r"/billing/invoices/(\d+)", listing).group(1)
        processes_before = len(group_pss_kb(web.pid))
        samples = []
        sampling = threading.Event()

        def sample_until_stopped():
            while not sampling.is_set():
                samples.append(group_pss_kb(web.pid))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample_until_stopped)
        sampler.start()
        token = vendor.csrf(f"/billing/invoices/{pk}")
        response, _page = vendor.request("POST", f"/billing/invoices/{pk}/pdf", {"csrf_token": token})
        run_id = response.getheader("Location").split("pdf_job=")[1]
        state, deadline = "queued", time.monotonic() + 300
        while state not in ("done", "failed") and time.monotonic() < deadline:
            state = json.loads(vendor.request("GET", f"/jobs/{run_id}")[1])["state"]
            time.sleep(0.05)
        sampling.set()
        sampler.join()
        peak = max(sum(sample.values()) for sample in samples) / 1024
        most = max(len(sample) for sample in samples)
        print(f"processes: {processes_before} before the job, {most} while it ran (the work-horse)")
        print(f"{args.requests} list requests: {before_job:.0f} MB PSS (web + worker + scheduler)")
        print(f"peak while the invoice PDF job ran ({state}): {peak:.0f} MB PSS")
    finally:
        if web is not None:
            os.killpg(web.pid, signal.SIGTERM)
            try:
                web.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(web.pid, signal.SIGKILL)
        servers.drop_database(args.server, name)


if __name__ == "__main__":
    main()
