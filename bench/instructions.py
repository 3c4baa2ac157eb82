"""Instructions per request of P7's three kinds of request (list page, detail popup, dashboard) and of
P2's (creating a shipment with 5 items through the API), counted by valgrind's callgrind in-process:
unlike time on this machine kind, whose speed drifts by a fifth within minutes, the count repeats to
within a fraction of a percent, so a change can be judged on its own. It counts the app's work only
(no PostgreSQL, no gunicorn, no kernel).

    python -m bench.instructions [--runs 12] [--root /tmp/base] [--kinds create]    # apt-get install valgrind

Each kind runs in its own process under callgrind with instrumentation off during start-up and at
least 20 warm-up requests that open every URL once, on for `--runs` requests. `--root` measures
another checkout (a git worktree of a base commit, its translations compiled) with this virtualenv.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import db as bench_db
from bench.harness import DEMO_PASSWORD, TENANT_HOST, logged_in_client, require_tool, table

USER = "admin@demo.test"
KINDS = ("list", "detail", "dashboard", "create")
P7_SHARE = {"list": 0.4, "detail": 0.4, "dashboard": 0.2}
WARMUP = 20


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--root", type=Path, default=bench_db.ROOT, help="the checkout to measure")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--inside", choices=KINDS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def urls(kind: str) -> list[str]:
    """P7's list pages (less its deep page, which needs a running server to find), details, dashboard.
    Spelled out here rather than shared: this runs against the bench/ of the checkout measured, which
    may predate any name added for it."""
    from bench.mixed_load import DASHBOARD, detail_ids

    if kind == "list":
        return ["/shipments/", "/shipments/?status=delivered", "/shipments/?q=wati"]
    if kind == "detail":
        return [f"/shipments/{pk}/detail" for pk in detail_ids()]
    return [DASHBOARD]


def run_inside(kind: str, runs: int) -> None:
    """Under callgrind: warm up (every URL at least once: as in P7, pages cached under the tenant's data
    version are then served from the cache), then count `runs` requests of one kind."""
    from bench.app import create_bench_app

    app = create_bench_app()
    request, total, clean_up = (_creates if kind == "create" else _pages)(app, kind)
    warmup = max(WARMUP, total)
    toggle = ["callgrind_control", "-i"]
    try:
        for index in range(warmup + runs):
            if index == warmup:
                subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
            request(index)
        subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)
    finally:
        clean_up()


def _pages(app, kind: str):
    client = logged_in_client(app, USER)
    paths = urls(kind)

    def request(index: int) -> None:
        response = client.get(paths[index % len(paths)], base_url=f"http://{TENANT_HOST}")
        if response.status_code != 200:
            raise SystemExit(f"{paths[index % len(paths)]} answered HTTP {response.status_code}")

    return request, len(paths), lambda: None


def _creates(app, _kind: str):
    """P2's request in-process: a shipment with 5 items through the API with a JWT; deleted afterwards.
    The login is spelled out here, as the URLs above are: `--root` may name a checkout without a name for it."""
    import time

    from bench.create_shipments import payload, remove_created

    client, began, created = app.test_client(), time.time(), []
    login = {"username": USER, "password": DEMO_PASSWORD, "provider": "db", "refresh": False}
    token = client.post("/api/v1/security/login", json=login, base_url=f"http://{TENANT_HOST}").json["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def request(index: int) -> None:
        response = client.post(
            "/api/v1/shipments/", data=payload(index), headers=headers, base_url=f"http://{TENANT_HOST}"
        )
        if response.status_code != 201:
            raise SystemExit(f"creating a shipment answered HTTP {response.status_code}: {response.data[:200]!r}")
        created.append(response.json["id"])

    return request, 1, lambda: remove_created(created, began)


def count(root: Path, kind: str, runs: int) -> float:
    """Millions of instructions per request."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
            sys.executable, "-c", f"import runpy; runpy.run_path({__file__!r}, run_name='__main__')",
            "--inside", kind, "--runs", str(runs),
        ]  # fmt: skip
        # This file drives (run from its path: the other checkout may not have it); the app and the rest
        # of bench/ come from the checkout measured, the working directory.
        env = {**os.environ, "PYTHONHASHSEED": "1"}
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
        totals = next(line for line in out.read_text().splitlines() if line.startswith("totals:"))
    return int(totals.split()[1]) / runs / 1e6


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.inside:
        run_inside(args.inside, args.runs)
        return
    require_tool("valgrind", "apt-get install -y valgrind")
    millions = {kind: count(args.root.resolve(), kind, args.runs) for kind in args.kinds}
    if P7_SHARE.keys() <= millions.keys():
        millions["P7 mix (40/40/20)"] = sum(share * millions[kind] for kind, share in P7_SHARE.items())
    print(f"Instructions per request (millions), {args.runs} requests each after a warm-up of at least {WARMUP} "
          f"that requests every URL, {args.root}")  # fmt: skip
    print(table([[f"{value:.2f}" for value in millions.values()]], list(millions)))


if __name__ == "__main__":
    main()
