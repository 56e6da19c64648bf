"""The Discord adapter and command line for the article question-answering bot."""
