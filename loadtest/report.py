"""The load test's figures as text (docs/loadtest.txt), from locust's and verify.py's JSON.

    python loadtest/report.py LOCUST.json VERIFY.json > docs/loadtest.txt
"""

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

AIM_P95_MS = 250


def main(locust_path: str, verify_path: str) -> None:
    run = json.loads(Path(locust_path).read_text())
    check = json.loads(Path(verify_path).read_text())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    login = run.get("login") or {}
    cpu = run.get("cpu") or {}
    server = run.get("server") or {}
    lines = [
        f"CLIC load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (make loadtest)",
        f"Machine: {os.cpu_count()} CPUs, {memory:.0f} GiB, {platform.machine()}, "
        f"Python {platform.python_version()}; everything on loopback: gunicorn (3 workers) "
        "with clic.settings.loadtest (the production settings), PostgreSQL, Redis, one Celery "
        "worker with beat, an aiosmtpd sink, and locust on the same machine.",
        "",
        f"Load average of the machine before the test (other work sharing it): "
        f"{os.environ.get('CLIC_LOADTEST_LOADAVG', 'not recorded')}.",
        "",
        f"{run['users']} simulated people for {run['window_seconds']:.0f} s after all had "
        "signed in: trainees (home, diary, their absences, reporting sickness or annual leave "
        "through preview and confirm), CCG admin (dashboard), Programme Directors (timetable, "
        "changing a session's venue, absences, outbox).",
        "",
        f"Requests:        {run['requests']} ({run['requests_per_second']} per second)",
        f"Errors:          {run['failures']}",
        f"Response times:  median {run['median_ms']:.0f} ms, p95 {run['p95_ms']:.0f} ms, "
        f"p99 {run['p99_ms']:.0f} ms, max {run['max_ms']} ms "
        f"(aim: p95 under {AIM_P95_MS} ms: {'met' if run['p95_ms'] < AIM_P95_MS else 'NOT met'})",
        f"Server's time:   median {server.get('median_ms', '?')} ms, p95 "
        f"{server.get('p95_ms', '?')} ms (gunicorn's access log: without the wait for a free "
        "worker and the client's own time, both in the figures above)",
        f"CPU:             the service used {cpu.get('service_cpus_used', '?')} of the "
        f"{cpu.get('cpus', '?')} CPUs (gunicorn {cpu.get('web_ms_per_request', '?')} ms, "
        f"PostgreSQL {cpu.get('database_ms_per_request', '?')} ms, Redis "
        f"{cpu.get('cache_ms_per_request', '?')} ms, Celery "
        f"{cpu.get('worker_ms_per_request', '?')} ms of CPU per request); locust "
        f"{cpu.get('locust_cpus_used', '?')}; other work on the machine "
        f"{cpu.get('other_work_cpus_used', '?')}",
        f"Signing in:      {login.get('count', 0)} logins ({login.get('failures', 0)} failed) "
        f"before the window, median "
        f"{login.get('median_ms', 0):.0f} ms, p95 {login.get('p95_ms', 0):.0f} ms "
        "(production password hashing), not in the figures above",
        "",
        f"Absences reported: {check['absences']} {check['absences_by_kind']}",
        f"Their emails:      {check['absence_emails']} {check['absence_emails_by_code']}",
        f"All emails made during the test: {check['emails']} {check['emails_by_code']}",
        f"At the SMTP server: {check['received_once']} exactly once, {check['missing']} missing, "
        f"{check['duplicated']} more than once (by Message-ID); absences without an email: "
        f"{len(check['absences_without_emails'])}; outbox drained "
        f"{check['seconds_to_drain']} s after the load stopped",
        "",
        f"{'request':<42} {'count':>6} {'fail':>5} {'median':>7} {'p95':>6} {'max':>6}",
    ]
    for row in run["endpoints"]:
        if not row["requests"]:
            continue  # signing in happened before the window
        lines.append(f"{row['name'][:42]:<42} {row['requests']:>6} {row['failures']:>5} "
                     f"{row['median_ms']:>5.0f}ms {row['p95_ms']:>4.0f}ms {row['max_ms']:>4}ms")
    for error in run["errors"]:
        lines.append(f"error: {error['name']}: {error['error']} x{error['occurrences']}")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
