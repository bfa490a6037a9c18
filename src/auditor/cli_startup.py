"""Cold start of the command line: typer's value coercion without pydantic where it is not needed.

typer 0.2x coerces every command-line value through a pydantic TypeAdapter that it builds, on every
run, for every parameter of the command — options left unset included. That imports pydantic
(about 0.06 s) and builds some fifteen adapters (about 0.05 s) before `auditor check` reads a file.
Here a parameter's adapter is built only when a value needs it: an unset option (None) gets typer's
own answer, which needs no adapter, and a text value (str, or a list of str), which the adapter
returns unchanged, is returned as it would. Every other value goes to typer's own coercion, so the
values, the errors and their messages are typer's. tests/test_speed.py compares both paths.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args, get_origin


def install() -> None:
    """Make typer build its coercion lazily (once per process; a typer without these internals
    is left as it is)."""
    try:
        from typer import _coercion, core
        original = core.build_runtime_param
        base = _coercion.RuntimeParam
    except (ImportError, AttributeError):
        return
    if getattr(original, "auditor_lazy", False):
        return

    @dataclass(frozen=True)
    class LazyRuntimeParam(base):
        descriptor: Any = None
        built: dict = field(default_factory=dict)  # "real": typer's own RuntimeParam, once needed

        def real(self):
            if "real" not in self.built:
                self.built["real"] = original(self.descriptor)
            return self.built["real"]

        def _coerce_value(self, value, param, ctx):
            kind = _text_kind(self.descriptor)
            if kind == "str" and type(value) is str:
                return value
            if kind == "list" and isinstance(value, (list, tuple)) and all(type(v) is str for v in value):
                return list(value)
            return self.real()._coerce_value(value, param=param, ctx=ctx)

    def lazy_build_runtime_param(descriptor):
        return LazyRuntimeParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                                descriptor=descriptor)

    lazy_build_runtime_param.auditor_lazy = True
    lazy_build_runtime_param.original = original
    core.build_runtime_param = lazy_build_runtime_param


def _text_kind(descriptor) -> str | None:
    """"str" or "list" when typer's adapter for the parameter is its plain text one (a str, or a
    list of str, without a custom parser or click type), else None."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or getattr(info, "parser", None) is not None \
            or getattr(info, "click_type", None) is not None:
        return None
    annotation = descriptor.annotation
    if annotation is str:
        return "str"
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        return "list"
    return None
