"""Errors that are reported to the user as one line, never as a traceback."""


class InputError(Exception):
    """A file cannot be read as a report. The message is user-facing Chinese text."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ConfigError(Exception):
    """The configuration file is invalid. The message names the file and the key."""
