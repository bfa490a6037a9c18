"""Errors that are reported to the user as one line, never as a traceback."""


class InputError(Exception):
    """A file cannot be read as a report. The message is user-facing Chinese text."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def internal_error(exc: Exception) -> str:
    """How a defect of the parser (an unexpected exception while reading one file) is reported:
    one Chinese line naming the exception, never a traceback."""
    return f"解析时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题"


class ConfigError(Exception):
    """The configuration file is invalid. The message names the file and the key."""
