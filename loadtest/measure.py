"""What the load test measures outside locust's own statistics, read from /proc and from
gunicorn's access log: CPU time per process tree, and the server's time per request.
Imported by locustfile.py; no locust here, so it can be tested on its own."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(root: int, proc: Path = Path("/proc")) -> dict[int, list[str]]:
    """The stat(5) fields after the command of a process and each live descendant, by id."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # ended while being read
        # The fields after the command, which is in brackets and may hold spaces.
        fields = text[text.rindex(")") + 2:].split()
        stats[int(entry.name)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, pending = {}, [root]
    while pending:
        pid = pending.pop()
        if pid in stats:
            tree[pid] = stats[pid]
        pending.extend(children.get(pid, []))
    return tree


def process_tree_cpu_seconds(root: int, proc: Path = Path("/proc")) -> float:
    """CPU time of a process and all its descendants, alive or ended: each live process's
    own time plus the time of the children it has reaped, so a PostgreSQL backend or a
    Celery child that ended during the window still counts."""
    # utime, stime, cutime, cstime: fields 14 to 17 of proc_pid_stat(5).
    return sum(int(value) for fields in process_tree(root, proc).values()
               for value in fields[11:15]) / TICKS


def process_tree_run_queue_seconds(root: int, proc: Path = Path("/proc")) -> float:
    """How long the threads of a process and its live descendants have been ready to run
    but waiting for a CPU (the second field of schedstat): time lost to the other work on
    the machine, not spent waiting for the database or a lock."""
    waited = 0
    for pid in process_tree(root, proc):
        for task in (proc / str(pid) / "task").glob("*/schedstat"):
            try:
                waited += int(task.read_text().split()[1])
            except (OSError, IndexError):
                continue  # ended while being read
    return waited / 1e9


def machine_cpu_seconds(proc: Path = Path("/proc")) -> float:
    """CPU time the whole machine has used: user, nice, system, irq, softirq and steal."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(value) for value in (proc / "stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICKS


def server_times_ms(access_log: Path, start: int, end: int) -> list[float]:
    """gunicorn's own duration of each request it logged between two sizes of its access
    log (the format ends in %(D)s, microseconds), sorted: from reading the request to
    sending the response, without the wait in the listen queue for a free worker."""
    with open(access_log, "rb") as log:
        log.seek(start)
        lines = log.read(end - start).decode("utf-8", "replace").splitlines()
    return sorted(int(last) / 1000 for last in (line.rsplit(" ", 1)[-1] for line in lines)
                  if last.isdigit())


def percentile(ordered: list[float], share: float) -> float | None:
    """The value below which `share` of the sorted values fall (nearest rank)."""
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)
