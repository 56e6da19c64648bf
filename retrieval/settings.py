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
        description="Below this share of the question's term weight matched by the best passage, "
                    "the answer is 'no answer' (a term weighs 8 + its idf).",
    )
    rerank: RerankSettings = RerankSettings()

