"""A quick reading of what each bench page costs, for a developer changing one: CPU time
per request, as a ratio to the floor's in the same run, on the demo's database only.

    scripts/with-services.sh .venv/bin/python -m bench.cpu [--only "trainee: home,diary"]
        [--rounds 20] [--profile "supervisor: home"]

It times the pages of bench.pages (its own Probe: the same people, URLs, warm-up, cache
emptied before a page built afresh) in rounds, five requests a page a round, so that the
machine's drift falls on the floor and the pages alike; the floor is always timed. CPU
time of this process, not wall time: no waiting for PostgreSQL or a turn on a CPU. About
half a minute, against `make bench`'s quarter of an hour with the national dataset; the
ratios come out close to `make bench`'s "cpu" column over the floor's, because a page's
cost hardly depends on the size of the database (the "x one" column). `--profile` also
writes a cProfile (CPU timer) of 50 requests of one page, by cumulative then own time.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clic.settings.test")
os.environ.setdefault("CLIC_TEST_DATABASE_NAME", f"clic_cpu_bench_{os.getpid()}")
# Feeds and PDFs kept in Redis, as make bench keeps them (scripts/bench.sh).
if "CELERY_BROKER_URL" in os.environ:
    os.environ.setdefault("CACHE_URL", os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0] + "/1")

from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench.pages import KEPT, Probe, demo_pages, with_authenticators  # noqa: E402

REQUESTS_A_ROUND = 5


def time_pages(probes: list[Probe], rounds: int) -> dict[str, list[float]]:
    cpu = {probe.page.label: [] for probe in probes}
    for _ in range(rounds):
        for probe in probes:
            if probe.page.kind in KEPT:
                probe.fetch()  # kept again: a page built afresh has emptied the cache since
            for _ in range(REQUESTS_A_ROUND):
                probe.prepare()
                started = time.process_time()
                probe.request()
                cpu[probe.page.label].append(time.process_time() - started)
    return cpu


def profile(probe: Probe, path: str) -> None:
    profiler = cProfile.Profile(time.process_time)
    for _ in range(50):
        probe.prepare()
        profiler.enable()
        probe.request()
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(150)
    stats.sort_stats("tottime").print_stats(60)
    with open(path, "w") as file:
        file.write(out.getvalue())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated parts of page labels")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", default="", help="part of one page's label")
    parser.add_argument("--profile-to", default="bench-cpu-profile.txt")
    args = parser.parse_args(argv)

    old_config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        with override_settings(ROOT_URLCONF="bench.urls"):
            call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            pages = demo_pages()
            with_authenticators(pages)
            wanted = [part for part in args.only.split(",") if part]
            floor, *others = pages
            chosen = [floor, *(page for page in others
                               if not wanted or any(part in page.label for part in wanted))]
            probes = [Probe(page) for page in chosen]
            cpu = time_pages(probes, args.rounds)
            floor_ms = statistics.median(cpu[floor.label]) * 1000
            for probe in probes:
                median_ms = statistics.median(cpu[probe.page.label]) * 1000
                print(f"{probe.page.label:35} cpu median {median_ms:7.2f} ms  "
                      f"x floor {median_ms / floor_ms:5.2f}  queries {probe.queries}")
            if args.profile:
                profile(next(p for p in probes if args.profile in p.page.label),
                        args.profile_to)
                print(f"profile of {args.profile!r}: {args.profile_to}")
    finally:
        teardown_databases(old_config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
