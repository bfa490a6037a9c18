"""The `auditor` command's entry point: `auditor --help` is printed from the per-user cache.

Importing typer is three quarters of `auditor --help`. The top-level help page depends only on
the command-line modules and on typer (the commands are fixed; no plugin adds one), so the page
typer renders is kept in the per-user cache (auditor.usercache), keyed by those files, and
printed again without importing typer. Without a usable cache dir the page is rendered by typer
each time; any other command line goes to auditor.cli as before.
"""
import sys


def main() -> None:
    if sys.argv[1:] == ["--help"]:
        page = _help_page()
        if page is not None:
            sys.stdout.write(page)
            sys.stdout.flush()
            sys.exit(0)
    from .cli import main as cli_main

    cli_main()


def _help_page() -> str | None:
    """The top-level help page: from the cache, else rendered by typer (and kept); None when
    rendering it fails (auditor.cli then reports that as usual)."""
    from . import usercache

    key = _help_key()
    page = usercache.load("help", key) if key is not None else None
    if isinstance(page, str):
        return page
    page = _rendered_help()
    if page is not None and key is not None:
        usercache.store("help", key, page)
    return page


def _help_key() -> str | None:
    """What the page is made of: this package's command-line modules and version, typer's
    package (its __init__ names its version), and Python's version."""
    import importlib.util
    from pathlib import Path

    from . import __version__, usercache

    here = Path(__file__).resolve().parent
    spec = importlib.util.find_spec("typer")
    if spec is None or spec.origin is None:
        return None
    try:
        parts = [(here / name).read_bytes() for name in ("cli.py", "cli_help.py", "cli_startup.py")]
        parts.append(Path(spec.origin).read_bytes())
    except OSError:
        return None
    return usercache.digest(__version__, sys.version, *parts)


def _rendered_help() -> str | None:
    import io
    from contextlib import redirect_stdout

    from .cli import command

    out = io.StringIO()
    try:
        with redirect_stdout(out):
            code = command().main(["--help"], prog_name="auditor", standalone_mode=False)
    except Exception:  # (a usage error or a broken install: auditor.cli says what it is)
        return None
    return out.getvalue() if code in (None, 0) else None
