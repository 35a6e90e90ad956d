"""The command line: parse, call the core, hand plain data to a renderer.

This is the one place where domain errors become `Error: …` on stderr and an exit code.
Heavy imports (renderers, report formats) happen inside the commands that need them, so that
`sdpolicy --help` and the everyday commands start as fast as Typer allows.
"""

from __future__ import annotations

import functools
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from sdpolicy import __version__
from sdpolicy.errors import EXIT_SOFTWARE, SdpolicyError, UsageError

app = typer.Typer(
    name="sdpolicy",
    help="Track how Shandong's 2006 informatization work plan is carried out, against its 2005 baselines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

CatalogueOption = Annotated[
    Optional[Path],
    typer.Option(
        "--catalogue", envvar="SDPOLICY_CATALOGUE", show_default=False,
        help="Catalogue file or directory (default: the shipped 2006 plan).",
    ),
]
HomeOption = Annotated[
    Optional[Path],
    typer.Option(
        "--home", envvar="SDPOLICY_HOME", show_default=False,
        help="Workspace directory holding progress.toml (default: your user data directory).",
    ),
]
LangOption = Annotated[
    Optional[str],
    typer.Option("--lang", show_default=False, help="zh or en (default: SDPOLICY_LANG, else the locale, else en)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print stable JSON instead of a table.")]
AsOfOption = Annotated[
    Optional[str], typer.Option("--as-of", show_default=False, help="Judge progress at this date, YYYY-MM-DD (default: today).")
]
AreaOption = Annotated[
    Optional[str], typer.Option("--area", "-a", show_default=False, help="Area slug (e-gov), Chinese name (电子政务) or a prefix.")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")]


def _say_error(message: str, lang: str | None = None) -> None:
    from sdpolicy.i18n import pick_lang, t

    sys.stderr.write(f"{t('error', pick_lang(lang))}: {message}\n")


def command(*names: str, **settings: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command whose domain errors become one sentence on stderr and an exit code."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            debug = kwargs.get("debug") or os.environ.get("SDPOLICY_DEBUG") == "1"
            try:
                return function(*args, **kwargs)
            except SdpolicyError as exc:
                _say_error(exc.message, kwargs.get("lang"))
                raise typer.Exit(exc.exit_code) from None
            except BrokenPipeError:
                # The reader went away (`sdpolicy list | head`): not an error worth a message.
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                raise typer.Exit(0) from None
            except (typer.Exit, typer.Abort, KeyboardInterrupt):
                raise
            except Exception as exc:
                if debug:
                    raise
                _say_error(
                    f"internal error ({type(exc).__name__}: {exc}); this is a bug in sdpolicy, "
                    "rerun with --debug to see the traceback",
                    kwargs.get("lang"),
                )
                raise typer.Exit(EXIT_SOFTWARE) from None

        app.command(*names, **settings)(run)
        return function

    return register


def _version(value: bool) -> None:
    if value:
        print(f"sdpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Track how Shandong's 2006 informatization work plan is carried out, against its 2005 baselines."""


# ---------------------------------------------------------------------------------------------
# Shared steps


def parse_day(text: str | None, what: str = "date") -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        if len(text.strip()) == 10 and text.strip()[4] == "-" and text.strip()[7] == "-":
            raise UsageError(f"{what} '{text}' is not a real date; use YYYY-MM-DD") from None
        raise UsageError(f"{what} '{text}' is not a date; use YYYY-MM-DD, such as 2006-06-30") from None


def check_lang(lang: str | None) -> str:
    from sdpolicy.i18n import LANGS, pick_lang

    if lang is not None and lang.lower() not in LANGS and not lang.lower().startswith("zh"):
        raise UsageError(f"language '{lang}' is not supported; use zh or en")
    return pick_lang(lang)


def workspace(home: Path | None) -> Path:
    if home is not None:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir("sdpolicy", appauthor=False))


# ---------------------------------------------------------------------------------------------
# Commands


@command(
    "validate",
    epilog="Example: sdpolicy validate data/   (or: sdpolicy validate my-plan.toml)",
)
def validate(
    path: Annotated[Optional[Path], typer.Argument(show_default=False, help="Catalogue file or directory to check.")] = None,
    catalogue: CatalogueOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Check a catalogue and print a one-line summary, or every problem with its file and line."""
    from sdpolicy.catalogue import load_catalogue
    from sdpolicy.errors import DataError
    from sdpolicy.i18n import t

    language = check_lang(lang)
    target = path or catalogue
    try:
        plan = load_catalogue(target)
    except DataError as exc:
        for problem in exc.problems or [exc.message]:
            sys.stderr.write(problem + "\n")
        count = len(exc.problems) or 1
        raise DataError(f"{plan_label(target)} has {count} problem{'s' if count != 1 else ''}") from None
    print(t("valid", language, path=plan.path, tasks=len(plan.tasks), indicators=len(plan.indicators), areas=len(plan.areas)))


def plan_label(path: Path | None) -> str:
    from sdpolicy.catalogue import shipped_catalogue

    return str(path) if path is not None else f"the shipped catalogue ({shipped_catalogue()})"


def main() -> None:
    app()
