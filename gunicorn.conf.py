"""gunicorn settings shared by bin/web and the benchmarks (both pass --config gunicorn.conf.py)."""

import gc


def post_worker_init(worker):
    # The app keeps ~250k objects for its whole life (modules, mappers, templates, translations);
    # every full collection of the cyclic GC walked all of them, now and then adding tens of ms to
    # one request. Frozen after start-up, they are never scanned again: the mean CPU of a list page
    # fell about 5% (bench/README.md, round 6).
    gc.collect()
    gc.freeze()
