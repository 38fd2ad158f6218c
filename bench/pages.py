"""The page benchmark, for `make bench` (not part of the test suite).

In one run, against the PostgreSQL of DATABASE_URL, in throwaway databases of its own:

1. one cohort: the demo (`load_demo`: a cohort in week 6, a person in every role);
2. national: a copy of that database with `generate_scale` added (42 ICBs, 10 years).

It times the key pages for the demo's people in both databases, in process through
Django's test client (the whole middleware stack, sessions and sign-in checks included),
in rounds that alternate between the two databases so that whatever else the machine is
doing falls on both sizes alike: median and p95 over --requests requests after a few to
warm up, the SQL queries of one request, and the ratio to the floor (bench/urls.py: a
signed-in page that does nothing). In the national database it also times the same pages
for generated people with ten years of history (a PD of 90 cohorts, a CCG admin, a
supervisor, a trainee in a running cohort). Each round also times a fixed piece of Python
work with no database (`fixed_work`): this virtual machine's speed drifts by half from one
minute to the next, and the p95s drift with it.

    python -m bench.pages [--requests 60] [--icbs 42] [--years 10]

People who must use two-factor authentication get an authenticator, so the check that
they have one is part of every request, as in production.
"""

import argparse
import copy
import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clic.settings.test")
os.environ.setdefault("CLIC_TEST_DATABASE_NAME", "clic_pages_bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, connection, connections  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.aims import MAX_QUERIES, MAX_RATIO, MAX_X_FLOOR, PDF_P95_MS, Result, aims  # noqa: E402
from bench.scale.world import Options, ccg_names, generate  # noqa: E402
from clic.accounts.access import access_for  # noqa: E402
from clic.accounts.demo import demo_email  # noqa: E402
from clic.accounts.models import Organisation, Role, User  # noqa: E402
from rotations.models import Cohort  # noqa: E402
from trainees.models import Placement  # noqa: E402

WARM_UP = 3
# Pages timed as the first fetch after a change (the cache emptied before each request), and
# pages timed as served from the cache.
BUILT, KEPT = {"feed-build", "pdf-build"}, {"feed", "feed304", "pdf"}
# Many short rounds, each timing every page a request or two per size: the machine's speed
# drifts from one minute to the next (see fixed_work), and ten requests in a row fell
# whole into a slow spell or a quick one, moving a page's p95 and the sizes' ratio with it.
ROUNDS = 30


@dataclass(frozen=True)
class Page:
    label: str
    kind: str  # floor, html, feed-build, feed, feed304, pdf-build, pdf
    user: User
    url: str


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def running_cohort(cohorts) -> Cohort:
    today = timezone.localdate()
    return next(c for c in cohorts.order_by("-start_date") if c.start_date <= today <= c.end_date)


def pages_for(*, pd, ccg_admin, trainee, supervisor, cohort) -> list[Page]:
    placement = Placement.objects.get(cohort=cohort, trainee=trainee)
    feed = reverse("calendar_feed", args=[trainee.calendar_token])
    pdf = reverse("placement_timetable_pdf", args=[placement.pk])
    return [
        Page("floor (signed-in no-op)", "floor", pd, reverse("bench_floor")),
        Page("PD: cohort page", "html", pd, reverse("cohort_detail", args=[cohort.pk])),
        Page("PD: outbox, one cohort", "html", pd, f"{reverse('mail_outbox')}?cohort={cohort.pk}"),
        Page("CCG admin: absences dashboard", "html", ccg_admin, reverse("absences:ccg")),
        Page("CCG admin: month diary", "html", ccg_admin, reverse("diary_month")),
        Page("trainee: home", "html", trainee, reverse("home")),
        Page("trainee: week diary", "html", trainee, reverse("diary_week")),
        Page("supervisor: home", "html", supervisor, reverse("home")),
        Page("trainee: calendar feed, built", "feed-build", trainee, feed),
        Page("trainee: calendar feed, kept", "feed", trainee, feed),
        Page("trainee: feed, unchanged (304)", "feed304", trainee, feed),
        Page("trainee: portfolio PDF, built", "pdf-build", trainee, pdf),
        Page("trainee: portfolio PDF, kept", "pdf", trainee, pdf),
    ]


def demo_pages() -> list[Page]:
    people = {login: User.objects.get(email=demo_email(login))
              for login in ("pd", "ccgadmin", "trainee1", "supervisor")}
    cohort = running_cohort(Cohort.objects.filter(placements__trainee=people["trainee1"]))
    return pages_for(pd=people["pd"], ccg_admin=people["ccgadmin"], trainee=people["trainee1"],
                     supervisor=people["supervisor"], cohort=cohort)


def generated_pages() -> list[Page]:
    """The busiest generated people of the first ICB: its running cohort's PD (who directs
    every cohort of a three-ICB programme), its CCG admin, the supervisor with the most
    trainees over the years, and a trainee of the running cohort."""
    ccg = Organisation.objects.get(kind=Organisation.Kind.CCG, name=ccg_names(1)[0])
    cohort = running_cohort(Cohort.objects.filter(ccg=ccg))
    members = {role: User.objects.filter(memberships__organisation=ccg, memberships__role=role)
               for role in (Role.CCG_ADMIN, Role.CCG_SUPERVISOR)}
    supervisor = max(members[Role.CCG_SUPERVISOR],
                     key=lambda u: Placement.objects.filter(ccg_supervisor=u).count())
    return pages_for(pd=cohort.directors.order_by("pk").first(),
                     ccg_admin=members[Role.CCG_ADMIN].get(), supervisor=supervisor,
                     trainee=cohort.placements.order_by("pk").first().trainee, cohort=cohort)


def with_authenticators(pages: list[Page]) -> None:
    """Give the people who must use two-factor authentication an authenticator."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    for user in {page.user for page in pages}:
        if (access_for(user).has_role(*settings.CLIC_MFA_REQUIRED_ROLES)
                and not Authenticator.objects.filter(user=user).exists()):
            TOTP.activate(user, generate_totp_secret())


class Probe:
    """One page fetched by one client (signed in, or not for a feed) in one database."""

    def __init__(self, page: Page):
        self.page = page
        self.client = Client()
        if not page.kind.startswith("feed"):  # calendar programs fetch feeds signed out
            self.client.force_login(page.user)
        self.headers = {}
        if page.kind == "feed304":
            self.headers["If-None-Match"] = self.client.get(page.url)["ETag"]
        self.expected = 304 if page.kind == "feed304" else 200
        self.times: list[float] = []
        self.cpu: list[float] = []
        for _ in range(WARM_UP):
            self.fetch()
        with CaptureQueriesContext(connection) as queries:
            self.fetch()
        # Counted now: the next request's start empties the connection's query log.
        self.queries = len(queries)

    def fetch(self) -> None:
        self.prepare()
        self.request()

    def prepare(self) -> None:
        if self.page.kind in BUILT:
            cache.clear()  # nothing kept yet: the first fetch after a change

    def request(self) -> None:
        response = self.client.get(self.page.url, headers=self.headers)
        if response.status_code != self.expected:
            raise AssertionError(f"{self.page.label}: {self.page.url} answered "
                                 f"{response.status_code}")

    def time(self, requests: int) -> None:
        if self.page.kind in KEPT:
            self.fetch()  # kept again: a probe of a built page has emptied the cache since
        for _ in range(requests):
            self.prepare()  # not timed: emptying the cache is no part of a request
            started, cpu = time.perf_counter(), time.process_time()
            self.request()
            self.times.append(time.perf_counter() - started)
            self.cpu.append(time.process_time() - cpu)

    @property
    def result(self) -> Result:
        return Result(median_ms=statistics.median(self.times) * 1000,
                      p95_ms=percentile(self.times, .95) * 1000, queries=self.queries,
                      status=self.expected, cpu_ms=statistics.median(self.cpu) * 1000)


# One connection per database, kept open between rounds as a web worker keeps its own
# (CONN_MAX_AGE): reconnecting at each switch threw away the statements PostgreSQL had
# prepared, so half of each round ran planned afresh.
_connections: dict[str, object] = {}


def use_database(name: str) -> None:
    """Point Django's default connection at another database, each with its own connection."""
    current = connections[DEFAULT_DB_ALIAS]
    if current.settings_dict["NAME"] == name:
        return
    _connections[current.settings_dict["NAME"]] = current
    if name not in _connections:
        settings_dict = copy.deepcopy(current.settings_dict)
        settings_dict["NAME"] = name
        _connections[name] = type(current)(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = _connections[name]


def close_connections() -> None:
    for wrapper in _connections.values():
        wrapper.close()
    connection.close()


def copy_database(source: str, target: str) -> None:
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(target)} "
                       f"TEMPLATE {connection.ops.quote_name(source)}")


def drop_database(name: str) -> None:
    close_connections()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


MACHINE_CHECKS = 4  # the fixed work, timed this many times in each round


def fixed_work() -> int:
    """The same Python work every time, with no database and no I/O (a 20,000-entry dict
    built and sorted): how fast the machine itself is running while the pages are timed."""
    entries = {str(n): [n, str(n) * 3, {"n": n}] for n in range(20_000)}
    return len(sorted(entries.items(), key=lambda item: item[1][1]))


def time_fixed_work() -> list[float]:
    """CPU seconds of each of MACHINE_CHECKS runs of fixed_work, the cycle collector paused
    (so that it is the machine's speed that shows, not the collector's timing)."""
    gc.disable()
    try:
        times = []
        for _ in range(MACHINE_CHECKS):
            started = time.process_time()
            fixed_work()
            times.append(time.process_time() - started)
        return times
    finally:
        gc.enable()


@dataclass
class Measured:
    results: dict[str, dict[str, Result]]  # size -> page label -> result
    machine: list[list[float]]  # each round's fixed_work times


def measure_interleaved(sizes: dict[str, tuple[str, list[Page]]], requests: int) -> Measured:
    """Time every page of every size in rounds, a few requests at a time, switching between
    the databases: whatever else the machine is doing then falls on every size alike. Each
    round also times fixed_work, which shows how fast the machine was running then."""
    probes = {}
    for size, (database, pages) in sizes.items():
        use_database(database)
        print(f"  warming up: {size}", file=sys.stderr, flush=True)
        probes[size] = [Probe(page) for page in pages]
    machine = []
    names = list(sizes)
    for number in range(ROUNDS):
        print(f"  round {number + 1} of {ROUNDS}", file=sys.stderr, flush=True)
        machine.append(time_fixed_work())
        # Each size goes first in turn, so that none is always timed just after the switch.
        turn = number % len(names)
        for size in names[turn:] + names[:turn]:
            use_database(sizes[size][0])
            for probe in probes[size]:
                probe.time(requests // ROUNDS + (number < requests % ROUNDS))
    return Measured(results={size: {probe.page.label: probe.result for probe in size_probes}
                             for size, size_probes in probes.items()}, machine=machine)


def machine_speed(rounds: list[list[float]]) -> str:
    every = [seconds * 1000 for times in rounds for seconds in times]
    medians = [statistics.median(times) * 1000 for times in rounds]
    return (f"Machine speed while timing: fixed_work (the same Python work, no database) took "
            f"{statistics.median(every):.1f} ms of CPU at the median, {min(every):.1f} at the "
            f"fastest, {percentile(every, .95):.1f} at p95; the {len(rounds)} rounds' medians "
            f"from {min(medians):.1f} to {max(medians):.1f}")


def table(pages, one, national, generated) -> list[str]:
    floor = {size: results[pages[0].label].median_ms for size, results in
             (("one", one), ("national", national), ("generated", generated))}
    lines = [
        f"{'':31} | {'one cohort (demo)':^18} | {'national, demo people':^41} | "
        f"{'national, generated people':^25}",
        f"{'page':31} | {'median':>6} {'p95':>6} {'SQL':>3} | {'median':>6} {'p95':>6} "
        f"{'SQL':>3} {'cpu':>5} {'xfloor':>6} {'x one':>6} | {'median':>6} {'p95':>6} "
        f"{'SQL':>3} {'xfloor':>6}",
        "-" * 125,
    ]
    for page in pages:
        a, b, c = one[page.label], national[page.label], generated[page.label]
        lines.append(
            f"{page.label:31} | {a.median_ms:6.1f} {a.p95_ms:6.1f} {a.queries:3d} | "
            f"{b.median_ms:6.1f} {b.p95_ms:6.1f} {b.queries:3d} {b.cpu_ms:5.1f} "
            f"{b.median_ms / floor['national']:6.1f} {b.median_ms / a.median_ms:6.2f} | "
            f"{c.median_ms:6.1f} {c.p95_ms:6.1f} {c.queries:3d} "
            f"{c.median_ms / floor['generated']:6.1f}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--icbs", type=int, default=42)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args(argv)

    old_config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    one_cohort = connection.settings_dict["NAME"]
    national = f"{one_cohort}_national"
    try:
        with override_settings(ROOT_URLCONF="bench.urls"):
            call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            pages = demo_pages()
            with_authenticators(pages)
            # The national database is the demo's copied, with the national dataset added.
            copy_database(one_cohort, national)
            use_database(national)
            print("  generating the national dataset", file=sys.stderr, flush=True)
            started = time.monotonic()
            counts = generate(Options(icbs=args.icbs, years=args.years),
                              log=lambda line: print(line, file=sys.stderr, flush=True))
            generated_in = time.monotonic() - started
            with connection.cursor() as cursor:
                # The bulk load's pages written out now, not by the checkpointer while pages
                # are timed: a live database wrote them long ago.
                cursor.execute("CHECKPOINT")
            busiest = generated_pages()
            with_authenticators(busiest)
            measured = measure_interleaved({
                "one": (one_cohort, pages), "national": (national, pages),
                "generated": (national, busiest)}, args.requests)
            version = connection.pg_version
    finally:
        use_database(one_cohort)
        drop_database(national)
        teardown_databases(old_config, verbosity=0)
    one, national_results, generated = (measured.results["one"], measured.results["national"],
                                        measured.results["generated"])

    print(f"Pages, in process (Django test client), {args.requests} requests each after "
          f"{WARM_UP} to warm up, in {ROUNDS} rounds that alternate between the one-cohort and "
          f"the national database. Times in ms; SQL = queries per request; cpu = median CPU "
          f"time of the app's process per request (not PostgreSQL's: no waiting for the "
          f"database or for a turn on a CPU, though it drifts with the machine's speed); "
          f"xfloor = median / the floor's median; x one = national median / one-cohort median")
    print(f"National dataset: {counts['cohorts']:,} cohorts, {counts['placements']:,} placements, "
          f"{counts['session']:,} sessions, {counts['absence']:,} absences, "
          f"{counts['email']:,} emails; generated in {generated_in:.0f} s")
    print(f"Python {platform.python_version()} ({sys.base_prefix}/bin), "
          f"PostgreSQL {version // 10000}.{version % 10000}")
    print()
    print("\n".join(table(pages, one, national_results, generated)))
    print()
    print(f"Aims at the national size, demo people, as ratios in this run: median at most "
          f"{MAX_X_FLOOR['html']}x the floor's for an HTML page, {MAX_X_FLOOR['feed-build']}x "
          f"for the calendar feed built afresh, {MAX_X_FLOOR['feed']}x kept or 304; portfolio "
          f"PDF p95 under {PDF_P95_MS} ms; at most {MAX_QUERIES} queries, the same at both "
          f"sizes; national/one-cohort median under {MAX_RATIO}:")
    checked = aims(pages, one, national_results)
    print("\n".join(checked))
    missed = sum(line.lstrip().startswith("MISSED") for line in checked)
    print(f"{len(checked) - missed} of {len(checked)} pages meet every aim"
          + (f"; {missed} MISSED" if missed else ""))
    print(machine_speed(measured.machine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
