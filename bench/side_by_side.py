"""P7's mix against two checkouts at once: each served by one sync worker, both loaded by wrk at the
same moment, so that the host's speed (it drifts by a fifth within minutes on this machine kind)
moves both alike. The ratio of their req/s is the comparison; the absolute figures are not P7's.

    git worktree add /tmp/base <commit> && (cd /tmp/base && ../main/.venv/bin/pybabel compile -d translations)
    python -m bench.side_by_side /tmp/base [--duration 25] [--rounds 3]

Both run with this virtualenv on the benchmark database.
"""

import argparse
import threading
from pathlib import Path

from bench import db as bench_db
from bench import mixed_load
from bench.harness import require_tool, start_gunicorn, stop, table


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout (e.g. a git worktree of the base commit)")
    parser.add_argument("--port", type=int, default=8811, help="this checkout's; the other's is the next one")
    parser.add_argument("--connections", type=int, default=8, help="per checkout")
    parser.add_argument("--duration", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args(argv)


def load_both(targets: dict, args) -> dict:
    """wrk against every target at once: name -> wrk summary."""
    results = {}

    def run(name, port, cookie, script):
        results[name] = mixed_load.summary(mixed_load.run_wrk(port, cookie, script, args))

    threads = [threading.Thread(target=run, args=(name, *target)) for name, target in targets.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main(argv=None) -> None:
    args = parse_args(argv)
    require_tool("wrk", "apt-get install -y wrk")
    roots = {"this": bench_db.ROOT, "other": args.other.resolve()}
    servers = {}
    try:
        for offset, (name, root) in enumerate(roots.items()):
            port = args.port + offset
            servers[name] = (start_gunicorn(port, workers=1, root=root), port)
        targets = {}
        for name, (_server, port) in servers.items():
            cookie = mixed_load.session_cookie(port)
            mix = mixed_load.paths(port, cookie)
            mixed_load.check_paths(port, cookie, mix)
            targets[name] = (port, cookie, mixed_load.lua_script(mix))
        rows = []
        for round_number in range(1, args.rounds + 1):
            result = load_both(targets, args)
            this, other = float(result["this"]["rps"]), float(result["other"]["rps"])
            rows.append([round_number, f"{this:.1f}", f"{other:.1f}", f"{this / other:.3f}",
                         f"{result['this']['errors']} / {result['other']['errors']}"])  # fmt: skip
    finally:
        for server, _port in servers.values():
            stop(server)
    print(f"P7 mix side by side: this checkout vs {args.other} (1 sync worker each, wrk -t2 -c{args.connections} "
          f"-d{args.duration}s each, at the same time)")  # fmt: skip
    print(table(rows, ["round", "this req/s", "other req/s", "ratio", "non-2xx"]))


if __name__ == "__main__":
    main()
