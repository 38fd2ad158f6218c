"""The stepped load test's report: the knee and its share of the CPU-bound limit."""

from loadtest.knee import cpu_bound_limit, past_knee, report

CHECK = {"emails": 120, "received_once": 120, "missing": 0, "duplicated": 0}


def step(users, rps, p95, failures=0, web=18.0, database=1.0, worker=1.0):
    return {"users": users, "requests_per_second": rps, "p95_ms": p95, "failures": failures,
            "cpu": {"cpus": 2, "web_ms_per_request": web, "database_ms_per_request": database,
                    "worker_ms_per_request": worker}}


def test_a_step_is_past_the_knee_at_a_slow_p95_or_any_error():
    assert not past_knee(step(50, 14.0, 250))
    assert past_knee(step(50, 14.0, 251))
    assert past_knee(step(50, 14.0, 90, failures=1))


def test_the_cpu_bound_limit_is_the_cores_over_the_cpu_per_request():
    assert cpu_bound_limit(step(50, 14.0, 90)) == 100.0  # 2 cores / 20 ms


def test_the_knee_is_the_last_step_within_the_aim_with_its_share_of_the_limit():
    text = report(CHECK, [step(150, 40.0, 900), step(50, 14.0, 90), step(100, 70.0, 200)])

    assert ("Knee: 100 people (the next step passed it), 70.0 requests per second, 20.0 ms of "
            "CPU per request; the CPU-bound limit is 100.0 requests per second, and the knee "
            "reaches 70% of it (aim: 60% or more: met).") in text
    assert "120 exactly once, 0 missing, 0 more than once" in text


def test_no_knee_when_the_first_step_already_failed():
    assert "No knee" in report(CHECK, [step(25, 5.0, 300)])
