"""The speed benchmark runs end to end at a tiny size, and our scores match rank-bm25's there."""

from __future__ import annotations

import pytest

from benchmarks import engines, speed
from benchmarks.common import DATA as SHARED


@pytest.mark.parametrize("data", [
    None,  # a tiny corpus of made-up words, as in a fresh clone without shared/
    pytest.param(SHARED, marks=pytest.mark.skipif(not SHARED.is_dir(), reason="no shared evaluation data")),
])
def test_tiny_benchmark_compares_all_engines_and_is_exact(data):
    results, difference, _ = speed.measure(2000, 20, data, rank_sample=20, exact=5, log=lambda _: None)
    assert difference <= 1e-9
    table = speed.table(results, {2000: difference}, exact=5)
    for engine in engines.ENGINES + engines.REFERENCES:  # the test extra installs the references too
        assert f"| 2,000 | {engine} |" in table
    assert all(r.timed == 20 and r.p50_ms > 0 for r in results)
    assert "Targets at 2,000 passages" in speed.targets(results)
