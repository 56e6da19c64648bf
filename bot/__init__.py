"""The Discord adapter and command line for the article question-answering bot."""

from .client import create_bot

__all__ = ["create_bot"]
