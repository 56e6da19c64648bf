"""BM25 with rank-bm25's exact scores: formulas (`scoring`), the arrays (`arrays`), building them (`build`),
the pruned top-k (`prune`) and the index that asks questions of them (`index`)."""

from .arrays import BM25Arrays
from .build import CHUNK_TOKENS, Vocabulary
from .index import BM25Index
from .scoring import BM25Settings

__all__ = ["BM25Arrays", "BM25Index", "BM25Settings", "CHUNK_TOKENS", "Vocabulary"]
