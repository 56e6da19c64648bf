"""rank-bm25's parameters and formulas: idf per term and the weight of each (term, passage) pair."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class BM25Settings(BaseModel):
    """rank-bm25's parameters; `delta` defaults to rank-bm25's own (0.5 for BM25L, 1 for BM25Plus)."""

    model_config = ConfigDict(frozen=True)

    variant: Literal["okapi", "bm25l", "bm25plus"] = "okapi"
    k1: float = Field(1.5, gt=0, description="Term frequency saturation.")
    b: float = Field(0.75, ge=0, le=1, description="Length normalization: 0 none, 1 full.")
    epsilon: float = Field(0.25, ge=0, description="BM25Okapi's floor for negative idf, as a share of the mean idf.")
    delta: float | None = Field(None, ge=0, description="BM25L/BM25Plus's delta (None: rank-bm25's own).")

    @model_validator(mode="after")
    def _default_delta(self) -> BM25Settings:
        if self.delta is None:
            object.__setattr__(self, "delta", {"okapi": 0.0, "bm25l": 0.5, "bm25plus": 1.0}[self.variant])
        return self


def idf(s: BM25Settings, df: np.ndarray, n: int) -> np.ndarray:
    if s.variant == "okapi":
        values = np.log(n - df + 0.5) - np.log(df + 0.5)
        # rank-bm25 averages in first-seen order, one term at a time: cumsum adds the same way.
        average = np.cumsum(values)[-1] / len(values)
        return np.where(values < 0, s.epsilon * average, values)
    if s.variant == "bm25l":
        return np.log(n + 1) - np.log(df + 0.5)
    return np.log((n + 1) / df)


def pair_weights(s: BM25Settings, idf: np.ndarray, tf: np.ndarray, dl: np.ndarray, avgdl: float) -> np.ndarray:
    """What each (term, passage) pair adds to the passage's score, from the term's idf and frequency."""
    # Each expression mirrors rank-bm25's operation order, so rounding matches too.
    k1, b, delta = s.k1, s.b, s.delta
    if s.variant == "okapi":
        return idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))
    if s.variant == "bm25l":
        ctd = tf / (1 - b + b * dl / avgdl)
        return idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
    # BM25Plus: store only what a match adds on top of the floor every passage gets.
    return idf * (delta + (tf * (k1 + 1)) / (k1 * (1 - b + b * dl / avgdl) + tf)) - idf * delta
