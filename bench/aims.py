"""The aims `make bench` checks (issue 21), kept apart from bench.pages, which sets up Django
and databases when imported, so that tests can check them."""

from dataclasses import dataclass

# The aims (issue 21), as ratios within one run because the machine's speed drifts 2-3x
# within a minute: a page's national median at most this many times the floor's...
MAX_X_FLOOR = {"html": 6, "feed-build": 10, "feed": 3, "feed304": 3}
# ...the portfolio PDF's p95 in milliseconds, built or kept...
PDF_P95_MS = 500
# ...and for every page at most this many queries, the same at both sizes, and national
# median / one-cohort median under MAX_RATIO.
MAX_QUERIES, MAX_RATIO = 15, 1.3


@dataclass
class Result:
    median_ms: float
    p95_ms: float
    queries: int
    status: int
    # CPU time of this process (the app, not PostgreSQL): what the page costs, whatever
    # else the machine is running meanwhile.
    cpu_ms: float = 0.0


def aims(pages, one, national) -> list[str]:
    """Each page's ratios at the national size (demo people) against its aims, met or
    missed."""
    floor = national[pages[0].label].median_ms
    lines = []
    for page in pages[1:]:
        a, b = one[page.label], national[page.label]
        if page.kind.startswith("pdf"):
            checks = [(f"p95 {b.p95_ms:.0f} ms < {PDF_P95_MS} ms", b.p95_ms < PDF_P95_MS)]
        else:
            limit = MAX_X_FLOOR[page.kind]
            checks = [(f"{b.median_ms / floor:.1f}x floor <= {limit}",
                       b.median_ms / floor <= limit)]
        checks.append((f"{b.queries} queries <= {MAX_QUERIES}, "
                       f"{'same' if a.queries == b.queries else f'{a.queries} at one cohort'}",
                       b.queries == a.queries and b.queries <= MAX_QUERIES))
        checks.append((f"national/one {b.median_ms / a.median_ms:.2f} < {MAX_RATIO}",
                       b.median_ms / a.median_ms < MAX_RATIO))
        missed = [text for text, ok in checks if not ok]
        lines.append(f"  {'MISSED' if missed else 'met   '} {page.label}: "
                     + "; ".join(text for text, _ in checks))
    return lines
