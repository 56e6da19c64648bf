class SkipFile(Exception):
    """Raised by a reader when a file cannot give any article; the message is the reason shown to users."""
