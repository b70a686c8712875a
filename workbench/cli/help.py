"""Readable ``--help`` everywhere: one pass over the click command tree Typer builds.

Typer's rich help prints Python type names as placeholders (``<bool>`` after ``--help``,
``<list[Path]>``, ``{paths}...``) and keeps the hard line breaks of docstrings, which
rich then wraps again into ragged lines. This module switches to click's plain layout,
gives every parameter a conventional metavar (none for flags, ``PATH...`` for a list of
paths) and joins the lines of each help paragraph, so the text wraps once, at the
terminal's width.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, get_args

from typer.core import TyperGroup

#: Placeholders for the value types the commands use (anything else: its upper-case name).
_TYPE_NAMES = {str: "TEXT", int: "INT", float: "FLOAT", Path: "PATH"}


def tidy(command: Any) -> Any:
    """Tidy the help of ``command`` (the click-style command Typer builds) and all its
    subcommands, in place; returns it."""
    command.help = unwrap(command.help)
    command.short_help = unwrap(command.short_help) or _first_sentence(command.help)
    command.rich_markup_mode = None  # click's plain layout: option names never truncated
    for param in [*command.params, _help_option(command)]:
        if param is None:
            continue
        if param.metavar is None:
            param.metavar = _metavar(param)
        if param.param_type_name == "argument":
            _plain_argument(param)
        if getattr(param, "help", None):
            param.help = unwrap(param.help)
    for sub in getattr(command, "commands", {}).values():
        tidy(sub)
    return command


def unwrap(text: str | None) -> str | None:
    """Join the lines of each paragraph (a blank line separates paragraphs), dropping their
    indentation; a line that starts a list item keeps its break."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(re.sub(r"[ \t]*\n[ \t]*(?![-*•] |\d+\. )", " ", p) for p in paragraphs)


def _first_sentence(text: str | None) -> str | None:
    """The first sentence of the first paragraph: the line in a group's command list
    (click would cut it at about 45 characters)."""
    if not text:
        return text
    first = text.split("\n\n", 1)[0]
    return re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]


def _metavar(param: Any) -> str | None:
    """A conventional placeholder: nothing for flags, NAME... for repeated arguments,
    TEXT/INT/FLOAT/PATH for values; ``None`` keeps Typer's (choices, ranges)."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    kind = param.type_descriptor
    if kind.is_choice:
        choices = [str(getattr(c, "value", c)) for c in kind.choices or ()]
        if len("|".join(choices)) <= 16:
            return None  # Typer's <a|b|c>
        if not all(c in (param.help or "") for c in choices):
            param.help = f"{param.help or ''} One of: {', '.join(choices)}.".strip()
        return (param.name or "value").upper()
    repeated = param.nargs != 1 or kind.is_list
    if param.param_type_name == "argument":
        name = (param.name or "value").upper()
        return (name[:-1] if repeated and name.endswith("S") else name) + ("..." if repeated else "")
    annotation = get_args(kind.annotation)[0] if kind.is_list else kind.annotation
    label = _TYPE_NAMES.get(annotation, getattr(annotation, "__name__", "VALUE").upper())
    return label + ("..." if repeated else "")


def _plain_argument(param: Any) -> None:
    """``PATH...`` in the usage line and the table, no type column (Typer writes
    ``{paths}...`` and ``<list[Path]>``)."""
    usage = param.metavar if param.required else f"[{param.metavar}]"
    param._usage_display_name = lambda: usage
    param.display_type_rich = lambda ctx: None


def _help_option(command: Any) -> Any:
    """The ``--help`` option Typer creates on first use (created here, once, so that it
    can be tidied like the others)."""
    from typer import _click

    return command.get_help_option(_click.Context(command))


class TidyGroup(TyperGroup):
    """The root command's class: tidies the whole tree once it is built, for the console
    script and for ``CliRunner`` alike."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy(self)
