"""`make bench` checks each page against its aims as ratios within the run (bench.aims)."""

from types import SimpleNamespace

from bench.aims import Result, aims


def _result(median_ms, *, queries=8, p95_ms=None):
    return Result(median_ms=median_ms, p95_ms=p95_ms or median_ms * 2, queries=queries,
                  status=200)


def _pages():
    return [SimpleNamespace(label=label, kind=kind) for label, kind in (
        ("floor", "floor"), ("page", "html"), ("feed built", "feed-build"),
        ("feed 304", "feed304"), ("pdf", "pdf-build"))]


def test_the_aims_are_ratios_to_the_floor_of_the_same_run_whatever_its_speed():
    for speed in (1, 3):  # the same pages on a machine three times as slow: the same verdict
        one = {"floor": _result(4 * speed), "page": _result(20 * speed),
               "feed built": _result(36 * speed), "feed 304": _result(8 * speed),
               "pdf": _result(300, p95_ms=450)}
        national = dict(one)

        lines = aims(_pages(), one, national)

        assert [line.split()[0] for line in lines] == ["met"] * 4
        assert "5.0x floor <= 6" in lines[0] and "9.0x floor <= 10" in lines[1]


def test_a_page_misses_over_its_ratio_more_queries_at_national_size_or_a_slow_pdf():
    one = {"floor": _result(4), "page": _result(20), "feed built": _result(36),
           "feed 304": _result(8), "pdf": _result(300)}
    national = {"floor": _result(4), "page": _result(25, queries=9),
                "feed built": _result(44), "feed 304": _result(13), "pdf": _result(300, p95_ms=501)}

    lines = aims(_pages(), one, national)

    assert all(line.split()[0] == "MISSED" for line in lines)
    assert "9 queries <= 15, 8 at one cohort" in lines[0]
    assert "national/one 1.25 < 1.3" in lines[0] and "6.2x floor <= 6" in lines[0]
    assert "11.0x floor <= 10" in lines[1] and "3.2x floor <= 3" in lines[2]
    assert "p95 501 ms < 500 ms" in lines[3]
