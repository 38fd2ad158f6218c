"""The load test's own measurements: CPU per process tree from /proc, and the server's time
per request from gunicorn's access log (loadtest/measure.py)."""

from loadtest.measure import (
    TICKS,
    machine_cpu_seconds,
    percentile,
    process_tree_cpu_seconds,
    process_tree_run_queue_seconds,
    server_times_ms,
)


def fake_process(proc, pid, parent, command, utime, stime, cutime=0, cstime=0):
    (proc / str(pid)).mkdir()
    (proc / str(pid) / "stat").write_text(
        f"{pid} ({command}) S {parent} {pid} {pid} 0 -1 4194560 100 0 0 0 "
        f"{utime} {stime} {cutime} {cstime} 20 0 1 0 100 1000 10\n")


def test_process_tree_cpu_counts_descendants_and_reaped_children_only(tmp_path):
    fake_process(tmp_path, 10, 1, "gunicorn: master [clic.wsgi]", 100, 20, cutime=50, cstime=10)
    fake_process(tmp_path, 11, 10, "gunicorn: worker) (odd", 300, 30)
    fake_process(tmp_path, 12, 11, "child", 7, 3)
    fake_process(tmp_path, 20, 1, "postgres", 1000, 1000)
    (tmp_path / "self").mkdir()

    used = process_tree_cpu_seconds(10, proc=tmp_path)

    assert used == (100 + 20 + 50 + 10 + 300 + 30 + 7 + 3) / TICKS


def test_run_queue_wait_is_summed_over_every_thread_of_the_tree(tmp_path):
    fake_process(tmp_path, 10, 1, "gunicorn: master", 1, 1)
    fake_process(tmp_path, 11, 10, "gunicorn: worker", 1, 1)
    fake_process(tmp_path, 20, 1, "postgres", 1, 1)
    for pid, thread, waited_ns in ((10, 10, 1_000_000), (11, 11, 250_000_000),
                                   (11, 12, 500_000_000), (20, 20, 9_000_000_000)):
        (tmp_path / str(pid) / "task" / str(thread)).mkdir(parents=True)
        (tmp_path / str(pid) / "task" / str(thread) / "schedstat").write_text(
            f"123456 {waited_ns} 42\n")

    assert process_tree_run_queue_seconds(10, proc=tmp_path) == 0.751


def test_process_tree_cpu_of_a_process_that_has_gone_is_nothing(tmp_path):
    fake_process(tmp_path, 20, 1, "postgres", 1000, 1000)

    assert process_tree_cpu_seconds(10, proc=tmp_path) == 0


def test_machine_cpu_leaves_out_idle_and_waiting_for_disk(tmp_path):
    (tmp_path / "stat").write_text("cpu  100 2 30 5000 400 4 5 6 0 0\ncpu0 50 1 15 2500 200 2 2 3 0 0\n")

    assert machine_cpu_seconds(proc=tmp_path) == (100 + 2 + 30 + 4 + 5 + 6) / TICKS


def test_server_times_are_read_from_the_window_of_the_access_log_only(tmp_path):
    log = tmp_path / "access.log"
    before = '[07/Dec/2026:13:00:00 +0000] "GET /healthz HTTP/1.1" 200 900000\n'
    log.write_text(before)
    start = log.stat().st_size
    with log.open("a") as out:
        out.write('[07/Dec/2026:13:00:01 +0000] "GET / HTTP/1.1" 200 25000\n'
                  '[07/Dec/2026:13:00:01 +0000] "POST /absences/ HTTP/1.1" 302 12500\n')
    end = log.stat().st_size
    with log.open("a") as out:
        out.write('[07/Dec/2026:13:00:09 +0000] "GET / HTTP/1.1" 200 700000\n')

    assert server_times_ms(log, start, end) == [12.5, 25.0]


def test_percentile_is_the_nearest_rank_of_the_sorted_values():
    values = [float(n) for n in range(1, 101)]

    assert percentile(values, 0.95) == 96.0
    assert percentile(values, 0.5) == 51.0
    assert percentile([], 0.95) is None
