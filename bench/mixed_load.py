"""P7: requests/s of a list / detail / dashboard mix, wrk on loopback against gunicorn (run as bin/web does).

    python -m bench.mixed_load [--workers 2 --threads 1] [--connections 16] [--duration 30] [--writes 10]
    python -m bench.mixed_load --bare-fab      # the reference: a stock FAB ModelView's list, page 1

Logs admin@demo.test in with curl, hands the session cookie (and the tenant Host) to wrk, and
cycles through: shipment list pages (page 1, a status filter, a search, a deep keyset page),
shipment detail popups, and the tenant dashboard. Needs `wrk` and `curl` (apt-get install wrk curl).
"""

import argparse
import random
import re
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager

from bench import db as bench_db
from bench.app import FAB_ROUTE
from bench.harness import DEMO_PASSWORD, TENANT_HOST, gunicorn_label, require_tool, start_gunicorn, stop, table, wrk

USER = "admin@demo.test"
DASHBOARD = "/dashboard/"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument(
        "--writes", type=float, default=0,
        help="move demo's data version this many times per second meanwhile (as its writes would): "
        "the dashboard figures are then recomputed after each",
    )  # fmt: skip
    parser.add_argument(
        "--bare-fab", action="store_true",
        help="instead of the mix, page 1 of the bare FAB ModelView over the same table (bench.app): the issue's "
        "reference figure (53.6 req/s on its machine), measured by the same harness on this host",
    )  # fmt: skip
    return parser.parse_args(argv)


def session_cookie(port: int) -> str:
    with tempfile.NamedTemporaryFile(suffix=".cookies") as jar:
        subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-c", jar.name, "-H", f"Host: {TENANT_HOST}",
             "--data-urlencode", f"username={USER}", "--data-urlencode", f"password={DEMO_PASSWORD}",
             f"http://127.0.0.1:{port}/login/"],
            check=True,
        )  # fmt: skip
        # One page like a browser's first: the session then holds its CSRF token, as a browser's
        # would, instead of every request of the run minting one and answering with a new cookie.
        subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-b", jar.name, "-c", jar.name, "-H", f"Host: {TENANT_HOST}",
             f"http://127.0.0.1:{port}/shipments/"],
            check=True,
        )  # fmt: skip
        with open(jar.name, encoding="utf-8") as cookies:
            lines = cookies.read().splitlines()
        for line in lines:
            fields = line.split("\t")
            if len(fields) == 7 and fields[5] == "session":
                return f"session={fields[6]}"
    raise SystemExit("login with curl gave no session cookie")


def detail_ids(count: int = 60) -> list[int]:
    with bench_db.connect() as conn:
        rows = conn.execute(
            """SELECT s.id FROM shipment s JOIN tenant t ON t.id = s.tenant_id
               WHERE t.slug = 'demo' AND s.tracking_number IS NOT NULL ORDER BY s.id DESC LIMIT 5000"""
        ).fetchall()
    return random.Random(7).sample([row[0] for row in rows], min(count, len(rows)))


def deep_cursor(port: int, cookie: str, pages: int = 40) -> str:
    """Follow "next" links like a user: the cursor of a deep page (cheap to find, same cost as any depth)."""
    url = "/shipments/"
    for _ in range(pages):
        html = curl(port, cookie, url)
        match = re.search(r'id="page-next" href="([^"]+)"', html)
        if not match:
            break
        url = match.group(1).replace("&amp;", "&")
    return url


def curl(port: int, cookie: str, path: str) -> str:
    result = subprocess.run(
        ["curl", "-s", "-H", f"Host: {TENANT_HOST}", "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def paths(port: int, cookie: str) -> list[str]:
    """The mix: 40% list pages, 40% detail popups, 20% dashboard."""
    lists = ["/shipments/", "/shipments/?status=delivered", "/shipments/?q=wati", deep_cursor(port, cookie)]
    details = [f"/shipments/{pk}/detail" for pk in detail_ids()]
    mix = []
    for index in range(len(details)):
        mix += [lists[index % len(lists)], details[index]]
        if index % 2:
            mix.append(DASHBOARD)
    return mix


@contextmanager
def version_moves(per_second: float):
    """Meanwhile, demo's data version moves `per_second` times a second (what each committed write to its
    shipments or users does), from a connection of its own."""
    if not per_second:
        yield
        return
    done = threading.Event()

    def run():
        with bench_db.connect() as conn:
            while not done.wait(1 / per_second):
                conn.execute("UPDATE tenant SET data_version = data_version + 1 WHERE slug = 'demo'")
                conn.commit()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def lua_script(mix: list[str]) -> str:
    quoted = ",\n".join(f'  "{path}"' for path in mix)
    return f"""local paths = {{
{quoted}
}}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


def check_paths(port: int, cookie: str, mix: list[str]) -> None:
    for path in sorted(set(mix), key=mix.index)[:12]:
        code = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Host: {TENANT_HOST}",
             "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if code != "200":
            raise SystemExit(f"{path} answered HTTP {code}: fix it before measuring")


def run_wrk(port: int, cookie: str, script: str, args) -> str:
    return wrk(port, script, connections=args.connections, seconds=args.duration, headers={"Cookie": cookie})


def summary(output: str) -> dict:
    def grab(pattern):
        match = re.search(pattern, output)
        return match.group(1) if match else "-"

    return {
        "rps": grab(r"Requests/sec:\s+([\d.]+)"),
        "p50": grab(r"50%\s+([\d.]+\w+)"),
        "p99": grab(r"99%\s+([\d.]+\w+)"),
        "errors": grab(r"Non-2xx or 3xx responses:\s+(\d+)") if "Non-2xx" in output else "0",
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    require_tool("wrk", "apt-get install -y wrk")
    require_tool("curl", "apt-get install -y curl")
    server = start_gunicorn(args.port, workers=args.workers, threads=args.threads)
    try:
        cookie = session_cookie(args.port)
        mix = [f"{FAB_ROUTE}/list/"] if args.bare_fab else paths(args.port, cookie)
        check_paths(args.port, cookie, mix)
        with version_moves(args.writes):
            output = run_wrk(args.port, cookie, lua_script(mix), args)
    finally:
        stop(server)
    print(output)
    result = summary(output)
    writes = f", demo's data version moved {args.writes:g}/s" if args.writes else ""
    writes += ", bare FAB list page 1 only" if args.bare_fab else ""
    print(f"P7 {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {gunicorn_label(args.workers, args.threads)}, "
          f"wrk -t2 -c{args.connections} -d{args.duration}s{writes}")  # fmt: skip
    print(table([[result["rps"], result["p50"], result["p99"], result["errors"]]],
                ["requests/s", "latency p50", "latency p99", "non-2xx"]))  # fmt: skip


if __name__ == "__main__":
    main()
