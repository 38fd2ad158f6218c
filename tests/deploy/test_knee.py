"""The stepped load test's report: the knee and its share of the CPU-bound limit."""

from loadtest.knee import cpu_bound_limit, past_knee, report

CHECK = {"emails": 120, "received_once": 120, "missing": 0, "duplicated": 0}


def step(users, rps, p95, failures=0, web=18.0, database=1.0, worker=0.5, cache=0.5,
         server_p95=40.0):
    return {"users": users, "requests_per_second": rps, "p95_ms": p95, "failures": failures,
            "cpu": {"cpus": 2, "web_ms_per_request": web, "database_ms_per_request": database,
                    "cache_ms_per_request": cache, "worker_ms_per_request": worker,
                    "web_run_queue_ms_per_request": 61.5, "locust_cpus_used": 0.12,
                    "locust_run_queue_share": 0.034,
                    "other_work_cpus_used": 0.4},
            "server": {"p95_ms": server_p95}, "load_average": ["1.50", "2.00", "2.50"]}


def test_a_step_is_past_the_knee_at_a_slow_p95_or_any_error():
    assert not past_knee(step(50, 14.0, 250))
    assert past_knee(step(50, 14.0, 251))
    assert past_knee(step(50, 14.0, 90, failures=1))


def test_the_cpu_bound_limit_is_the_cores_over_the_cpu_per_request():
    # 2 cores / 20 ms: gunicorn, PostgreSQL, Redis and Celery.
    assert cpu_bound_limit(step(50, 14.0, 90)) == 100.0


def test_the_cpu_bound_limit_leaves_out_the_clients_cpu():
    slow_client = step(50, 14.0, 90)
    slow_client["cpu"]["locust_ms_per_request"] = 30.0

    assert cpu_bound_limit(slow_client) == 100.0


def test_each_step_shows_the_servers_p95_beside_locusts_and_the_load_around_it():
    text = report(CHECK, [step(50, 14.0, 480, server_p95=35.0)])

    lines = text.splitlines()
    heading = next(line for line in lines if line.lstrip().startswith("people"))
    assert heading.split() == ["people", "req/s", "p95", "ms", "server", "p95", "CPU", "wait",
                               "errors", "CPU", "ms/req", "limit", "req/s", "share", "locust",
                               "CPUs", "locust", "wait", "other", "CPUs", "load", "average"]
    row = next(line for line in lines if line.lstrip().startswith("50 "))
    assert row.split() == ["50", "14.0", "480", "35", "61.5", "0", "20.0", "100.0", "14%", "0.12",
                           "3%", "0.4", "1.50", "2.00", "2.50"]


def test_the_knee_is_the_last_step_within_the_aim_with_its_share_of_the_limit():
    text = report(CHECK, [step(150, 40.0, 900), step(50, 14.0, 90), step(100, 70.0, 200)])

    assert ("Knee: 100 people (the next step passed it), 70.0 requests per second, 20.0 ms of "
            "CPU per request; the CPU-bound limit is 100.0 requests per second, and the knee "
            "reaches 70% of it (aim: 60% or more: met).") in text
    assert "120 exactly once, 0 missing, 0 more than once" in text


def test_no_knee_when_the_first_step_already_failed():
    assert "No knee" in report(CHECK, [step(25, 5.0, 300)])


def test_a_run_on_a_busy_machine_says_so():
    busy = step(50, 14.0, 90)
    busy["cpu"]["other_work_cpus_used"] = 1.6

    assert "NOT a quiet machine: other work used up to 1.6 of the 2 CPUs" in report(CHECK, [busy])


def test_a_run_on_a_quiet_machine_has_no_warning():
    quiet = step(50, 14.0, 90)
    quiet["cpu"]["other_work_cpus_used"] = 0.1

    assert "quiet machine" not in report(CHECK, [quiet])
