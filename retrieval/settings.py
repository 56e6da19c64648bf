"""Everything that decides what is indexed and how questions are scored, in one frozen model.

Its own module so that the store (which fingerprints the parts that shape the index) and the library
both import it without importing each other.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .analyzer import AnalyzerSettings
from .bm25 import BM25Settings
from .passages import PassageSettings
from .rerank import RerankSettings


class RetrievalSettings(BaseModel):
    """Everything that decides what is indexed and how questions are scored."""

    model_config = ConfigDict(frozen=True)

    analyzer: AnalyzerSettings = AnalyzerSettings()
    passages: PassageSettings = PassageSettings()
    bm25: BM25Settings = BM25Settings()
    min_coverage: float = Field(
        0.5, ge=0, le=1,
        description="Threshold on the no-answer model's score (0..1) for the best passage: below it the answer "
                    "is 'no answer'. 0.5 is the operating point chosen on the benchmarks' tuning parts; lower "
                    "answers more, higher declines more.",
    )
    rerank: RerankSettings = RerankSettings()

