"""The knee of a stepped load test (scripts/loadtest.sh with CLIC_LOADTEST_STEPS): the most
simulated people whose p95 stayed within 250 ms with no errors, its throughput, CPU per
request, and that throughput as a share of the CPU-bound limit (cores / CPU per request).

    python loadtest/knee.py --past-knee STEP.json      exit 0 if this step is past the knee
    python loadtest/knee.py VERIFY.json STEP.json...   the report (text)
"""

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

AIM_P95_MS = 250
AIM_SHARE_OF_LIMIT = 0.6
# Other work's CPUs above this share of the machine make a step's figures the machine's.
QUIET_MACHINE_SHARE = 0.1


def past_knee(step: dict) -> bool:
    return step["p95_ms"] > AIM_P95_MS or step["failures"] > 0


def cpu_ms_per_request(step: dict) -> float:
    """CPU the service spent per request: gunicorn, PostgreSQL, Redis and the Celery worker
    (locust's own CPU is reported apart: a real server does not run the clients)."""
    cpu = step.get("cpu") or {}
    return sum(cpu.get(f"{part}_ms_per_request", 0.0)
               for part in ("web", "database", "cache", "worker"))


def cpu_bound_limit(step: dict) -> float:
    """Requests per second the machine's cores could serve at this CPU per request."""
    per_request = cpu_ms_per_request(step)
    return (step.get("cpu") or {}).get("cpus", os.cpu_count()) * 1000 / per_request \
        if per_request else 0.0


def report(check: dict, steps: list[dict]) -> str:
    steps = sorted(steps, key=lambda step: step["users"])
    lines = [f"CLIC stepped load test (make loadtest-knee), {datetime.now(UTC):%Y-%m-%d %H:%M} "
             f"UTC: {os.cpu_count()} CPUs; load average "
             f"before it (other work sharing the machine): "
             f"{os.environ.get('CLIC_LOADTEST_LOADAVG', 'not recorded')}.",
             "Each step: that many people signed in, then a window of measurement; gunicorn 3 "
             "workers, PostgreSQL, Redis, one Celery worker with beat and locust on the machine.",
             "p95 is what locust saw; server p95 is gunicorn's own time for the same requests "
             "(from its access log), so a gap between them is time spent outside the server "
             "(the listen queue or the client); CPU wait is how long gunicorn's workers were "
             "ready to run but had no CPU, per request (other work on the machine), and locust "
             "wait the share of the window locust itself waited so (its figures are late by "
             "as much). CPU per "
             "request counts gunicorn, PostgreSQL, Redis and Celery; locust's and other work's "
             "CPUs are apart.",
             "",
             f"{'people':>6} {'req/s':>6} {'p95 ms':>7} {'server p95':>10} {'CPU wait':>8} "
             f"{'errors':>6} "
             f"{'CPU ms/req':>10} {'limit req/s':>11} {'share':>6} {'locust CPUs':>11} "
             f"{'locust wait':>11} {'other CPUs':>10} {'load average':>14}"]
    for step in steps:
        limit = cpu_bound_limit(step)
        cpu = step.get("cpu") or {}
        server_p95 = (step.get("server") or {}).get("p95_ms")
        locust_wait = f"{cpu['locust_run_queue_share']:.0%}" \
            if "locust_run_queue_share" in cpu else "?"
        lines.append(f"{step['users']:>6} {step['requests_per_second']:>6} {step['p95_ms']:>7.0f} "
                     f"{'?' if server_p95 is None else f'{server_p95:.0f}':>10} "
                     f"{cpu.get('web_run_queue_ms_per_request', '?'):>8} "
                     f"{step['failures']:>6} {cpu_ms_per_request(step):>10.1f} {limit:>11.1f} "
                     f"{step['requests_per_second'] / limit if limit else 0:>6.0%} "
                     f"{cpu.get('locust_cpus_used', '?'):>11} "
                     f"{locust_wait:>11} "
                     f"{cpu.get('other_work_cpus_used', '?'):>10} "
                     f"{' '.join(step.get('load_average') or ['?']):>14}")
    within = [step for step in steps if not past_knee(step)]
    if not within:
        lines.append("No knee: even the first step passed p95 250 ms or had errors.")
    else:
        knee = within[-1]
        share = knee["requests_per_second"] / cpu_bound_limit(knee) if cpu_bound_limit(knee) else 0
        beyond = ("the next step passed it" if len(within) < len(steps)
                  else "no step passed it: the knee is above the last step")
        lines.append(
            f"Knee: {knee['users']} people ({beyond}), {knee['requests_per_second']} requests "
            f"per second, {cpu_ms_per_request(knee):.1f} ms of CPU per request; the CPU-bound "
            f"limit is {cpu_bound_limit(knee):.1f} requests per second, and the knee reaches "
            f"{share:.0%} of it (aim: {AIM_SHARE_OF_LIMIT:.0%} or more: "
            f"{'met' if share >= AIM_SHARE_OF_LIMIT else 'NOT met'}).")
    busiest = max((step.get("cpu") or {}).get("other_work_cpus_used", 0) for step in steps)
    cpus = (steps[0].get("cpu") or {}).get("cpus", os.cpu_count()) if steps else os.cpu_count()
    if busiest > QUIET_MACHINE_SHARE * cpus:
        lines.append(f"NOT a quiet machine: other work used up to {busiest} of the {cpus} CPUs "
                     "during the steps, so the service waited for CPUs it did not use; take "
                     "the knee again with the machine to itself.")
    lines.append(f"Emails made during the test: {check['emails']}; at the SMTP server "
                 f"{check['received_once']} exactly once, {check['missing']} missing, "
                 f"{check['duplicated']} more than once.")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[0] == "--past-knee":
        return 0 if past_knee(json.loads(Path(argv[1]).read_text())) else 1
    check = json.loads(Path(argv[0]).read_text())
    print(report(check, [json.loads(Path(path).read_text()) for path in argv[1:]]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
