"""Retrieval for article collections: ingestion, passages, analyzer, BM25, search. No Discord here."""

from .analyzer import Analyzer, AnalyzerSettings
from .bm25 import BM25Index, BM25Settings
from .explain import Explanation, explain
from .ingest import ContentError
from .library import Library
from .settings import RetrievalSettings
from .models import Answer, Article, Hit, LoadReport, Paragraph, Passage, SkippedFile
from .passages import PassageSettings

__all__ = [
    "Analyzer", "AnalyzerSettings", "Answer", "Article", "BM25Index", "BM25Settings", "ContentError", "Explanation",
    "Hit", "Library", "LoadReport", "Paragraph", "Passage", "PassageSettings", "RetrievalSettings", "SkippedFile",
    "explain",
]
