"""The people of the load test, doing what they do in the service.

- Trainees (most of the users, one login each) look at their home page, week and month
  diary and absences, and report sickness or request annual leave through the two-step form
  (the preview says who will be told, then "Confirm and send"), then open the report.
- CCG admin watch the CCG dashboard, their home page and the diary.
- Programme Directors read the cohort timetable and change a session's venue (S10 emails to
  everyone affected), and look at the programme's absences and the outbox.

Everyone signs in first with the real login form, then starts after a think time of their
own. The measured window starts when the last has started, 8 s after the last sign-in (the
statistics are reset then), and lasts CLIC_LOADTEST_SECONDS;
signing in (a second of password hashing each) is reported apart. The figures go to
CLIC_LOADTEST_RESULTS as JSON, with two that locust cannot see (loadtest/measure.py): the
server's own time per request, from gunicorn's access log, and the CPU each server process
tree (gunicorn, PostgreSQL, Redis, Celery), locust and the whole machine used in the window.

Environment: CLIC_LOADTEST_PLAN (from prepare.py), CLIC_LOADTEST_RESULTS,
CLIC_LOADTEST_SECONDS (default 120), CLIC_LOADTEST_ACCESS_LOG and the CLIC_LOADTEST_*_PID
of the server processes (scripts/loadtest.sh sets them).
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from measure import (
    machine_cpu_seconds,
    percentile,
    process_tree_cpu_seconds,
    process_tree_run_queue_seconds,
    server_times_ms,
)

PLAN = json.load(open(os.environ["CLIC_LOADTEST_PLAN"], encoding="utf-8"))  # noqa: SIM115
SECONDS = int(os.environ.get("CLIC_LOADTEST_SECONDS", "120"))
RESULTS = os.environ.get("CLIC_LOADTEST_RESULTS", "loadtest-results.json")
TRAINEES = iter(PLAN["trainees"])
VENUES = itertools.cycle(["Board room, CCG offices", "Seminar room 2, Education Centre",
                          "Room 4, Council Offices", "Lecture theatre, K&C Hospital"])

THINK_SECONDS = (2, 8)
everyone_in = Event()
state = {"signed_in": 0, "expected": None, "window_start": None, "login": None,
         "reports": 0, "cpu_start": None, "access_log_start": 0, "load_average": None}
# The processes of the service under test (scripts/loadtest.sh passes their ids).
SERVERS = {name: int(os.environ[variable]) for name, variable in (
    ("web", "CLIC_LOADTEST_WEB_PID"), ("database", "CLIC_LOADTEST_DB_PID"),
    ("cache", "CLIC_LOADTEST_REDIS_PID"), ("worker", "CLIC_LOADTEST_WORKER_PID"))
    if os.environ.get(variable)}
# gunicorn's access log, each line ending in the microseconds the server spent on it.
ACCESS_LOG = Path(os.environ["CLIC_LOADTEST_ACCESS_LOG"]) \
    if os.environ.get("CLIC_LOADTEST_ACCESS_LOG") else None


def cpu_seconds() -> dict:
    """CPU time used so far by each server process tree, by this locust, and by the whole
    machine (so that what other work used while the test ran can be told apart)."""
    used = {name: process_tree_cpu_seconds(pid) for name, pid in SERVERS.items()}
    used["locust"] = process_tree_cpu_seconds(os.getpid())
    used["machine"] = machine_cpu_seconds()
    if "web" in SERVERS:
        used["web_run_queue"] = process_tree_run_queue_seconds(SERVERS["web"])
    # While locust waits for a CPU, every request in flight seems slower than it was.
    used["locust_run_queue"] = process_tree_run_queue_seconds(os.getpid())
    return used


def access_log_size() -> int:
    return ACCESS_LOG.stat().st_size if ACCESS_LOG else 0


def signed_in(environment) -> None:
    state["signed_in"] += 1
    if state["expected"] is None:
        state["expected"] = environment.parsed_options.num_users
    if state["signed_in"] >= state["expected"] and not everyone_in.is_set():
        login = environment.stats.get("login", "POST")
        state["login"] = {"count": login.num_requests, "failures": login.num_failures,
                          "median_ms": login.median_response_time,
                          "p95_ms": login.get_response_time_percentile(0.95)}
        everyone_in.set()
        # Everyone starts after a think time of their own (Person.on_start); measure once
        # the last has started, when the requests arrive as they would all day.
        gevent.spawn_later(THINK_SECONDS[1], start_window, environment)


def start_window(environment) -> None:
    environment.stats.reset_all()
    state["window_start"] = time.time()
    state["cpu_start"] = cpu_seconds()
    state["access_log_start"] = access_log_size()
    state["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
    gevent.spawn_later(SECONDS, environment.runner.quit)


class Person(HttpUser):
    abstract = True
    # Reading a page and filling in a form: 2 to 8 seconds between requests (a human takes
    # longer; this is 50 people all busy at once, several times the programme's staff).
    wait_time = between(*THINK_SECONDS)

    def login_email(self) -> str:
        raise NotImplementedError

    def on_start(self):
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken")
        with self.client.post("/accounts/login/", name="login", allow_redirects=False,
                              data={"login": self.login_email(), "password": PLAN["password"],
                                    "csrfmiddlewaretoken": token},
                              catch_response=True) as response:
            if response.status_code != 302 or response.headers.get("Location") != "/":
                response.failure(f"login answered {response.status_code}")
        signed_in(self.environment)
        everyone_in.wait()
        # People do not all click at the same moment. Released together, everyone's first
        # request queued behind everyone else's on the three workers, and in a short window
        # that burst was the p95 (25 people, 40 s: locust 2.8 s, gunicorn's own 0.4 s).
        gevent.sleep(random.uniform(0, THINK_SECONDS[1]))

    def post_form(self, path: str, data: dict, *, name: str, expect: int = 302):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken")}
        with self.client.post(path, data=data, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != expect:
                problem = re.search(r'nhsuk-error-summary__list">\s*<li>(?:<a[^>]*>)?([^<]+)',
                                    response.text or "")
                response.failure(f"{response.status_code}: "
                                 f"{problem.group(1) if problem else 'unexpected answer'}")
            return response


class Trainee(Person):
    weight = 1

    def on_start(self):
        self.me = next(TRAINEES)
        self.sick_days = list(self.me["sick_days"])
        self.leave_days = list(self.me["leave_days"])
        random.shuffle(self.sick_days)
        random.shuffle(self.leave_days)
        super().on_start()

    def login_email(self) -> str:
        return self.me["email"]

    @task(4)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def week(self):
        self.client.get("/diary/", name="diary week")

    @task(1)
    def month(self):
        self.client.get("/diary/month/", name="diary month")

    @task(1)
    def my_absences(self):
        self.client.get("/absences/", name="my absences")

    @task(2)
    def report(self):
        sick = self.sick_days and random.random() < 0.3
        days = self.sick_days if sick or not self.leave_days else self.leave_days
        if not days:
            return
        day = days.pop()
        slug = "sickness" if days is self.sick_days else "annual-leave"
        path = f"/absences/report/{self.me['placement']}/{slug}/"
        self.client.get(path, name=f"report {slug}: form")
        form = {"first_day": day, "last_day": day, "part": "day", "note": ""}
        preview = self.post_form(path, {**form, "preview": "1"}, name=f"report {slug}: preview",
                                 expect=200)
        if "Check before you send" not in (preview.text or ""):
            return
        sent = self.post_form(path, {**form, "confirm": "1"}, name=f"report {slug}: send")
        if sent.status_code == 302:
            state["reports"] += 1
            self.client.get(sent.headers["Location"], name="report: who was told")


class CCGAdmin(Person):
    fixed_count = 6

    def login_email(self) -> str:
        return random.choice(PLAN["ccg_admins"])

    @task(4)
    def dashboard(self):
        self.client.get("/absences/ccg/", name="CCG dashboard")

    @task(1)
    def home(self):
        self.client.get("/", name="home")

    @task(1)
    def diary(self):
        self.client.get("/diary/", name="diary week")


class ProgrammeDirector(Person):
    fixed_count = 6

    def login_email(self) -> str:
        return random.choice(PLAN["pds"])

    @task(3)
    def timetable(self):
        session = random.choice(PLAN["sessions"])
        self.client.get(f"/cohorts/{session['cohort']}/timetable/?week={session['week']}",
                        name="cohort timetable")

    @task(2)
    def edit_session(self):
        session = random.choice(PLAN["sessions"])
        path = f"/cohorts/{session['cohort']}/sessions/{session['session']}/"
        self.client.get(path, name="session: form")
        self.post_form(path, {
            "kind": session["kind"], "title": session["title"], "date": session["date"],
            "start_time": session["start_time"], "end_time": session["end_time"],
            "venue": next(VENUES), "facilitator": session["facilitator"],
            "notes": session["notes"]}, name="session: save")

    @task(1)
    def absences(self):
        self.client.get("/absences/programme/", name="programme absences")

    @task(1)
    def outbox(self):
        self.client.get("/outbox/", name="outbox")


@events.quitting.add_listener
def write_results(environment, **_kwargs):
    total = environment.stats.total
    window = (time.time() - state["window_start"]) if state["window_start"] else 0
    cpu = {}
    if state["cpu_start"] and window:
        end = cpu_seconds()
        used = {name: end[name] - state["cpu_start"][name] for name in end
                if name in state["cpu_start"]}
        ours = sum(value for name, value in used.items() if name in SERVERS or name == "locust")
        requests = max(total.num_requests, 1)
        cpu = {f"{name}_ms_per_request": round(used[name] * 1000 / requests, 1)
               for name in (*SERVERS, "web_run_queue") if name in used}
        cpu["cpus"] = os.cpu_count()
        cpu["service_cpus_used"] = round((ours - used.get("locust", 0)) / window, 2)
        cpu["locust_cpus_used"] = round(used.get("locust", 0) / window, 2)
        cpu["locust_run_queue_share"] = round(used["locust_run_queue"] / window, 3)
        cpu["other_work_cpus_used"] = round(max(0.0, used["machine"] - ours) / window, 2)
    server_ms = server_times_ms(ACCESS_LOG, state["access_log_start"], access_log_size()) \
        if ACCESS_LOG and state["window_start"] else []
    server = {"requests": len(server_ms), "median_ms": percentile(server_ms, 0.5),
              "p95_ms": percentile(server_ms, 0.95), "p99_ms": percentile(server_ms, 0.99),
              "max_ms": server_ms[-1] if server_ms else None}
    rows = [{"name": f"{entry.method} {entry.name}", "requests": entry.num_requests,
             "failures": entry.num_failures, "median_ms": entry.median_response_time,
             "p95_ms": entry.get_response_time_percentile(0.95),
             "max_ms": round(entry.max_response_time)}
            for entry in sorted(environment.stats.entries.values(), key=lambda e: e.name)]
    errors = [{"name": f"{error.method} {error.name}", "error": str(error.error),
               "occurrences": error.occurrences}
              for error in environment.stats.errors.values()]
    with open(RESULTS, "w", encoding="utf-8") as out:
        json.dump({"users": state["expected"], "window_seconds": round(window, 1),
                   "requests": total.num_requests, "failures": total.num_failures,
                   "requests_per_second": round(total.num_requests / window, 1) if window else 0,
                   "median_ms": total.median_response_time,
                   "p95_ms": total.get_response_time_percentile(0.95),
                   "p99_ms": total.get_response_time_percentile(0.99),
                   "max_ms": round(total.max_response_time), "login": state["login"],
                   "reports_sent": state["reports"], "cpu": cpu, "server": server,
                   "load_average": state["load_average"], "endpoints": rows,
                   "errors": errors},
                  out, indent=1)
