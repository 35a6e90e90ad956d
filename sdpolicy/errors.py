"""The one exception type the core raises, and the exit codes the CLI turns it into.

The codes follow sysexits.h so that scripts can tell bad data from a missing file from a failed disk.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2  # click's own code for a bad command line; we use it for bad values on it too
EXIT_DATAERR = 65  # a catalogue or store file that is damaged or invalid
EXIT_NOINPUT = 66  # a catalogue or store file that does not exist or cannot be read
EXIT_SOFTWARE = 70  # a bug in sdpolicy
EXIT_CANTCREAT = 73  # an output file that may not be written: a directory, a device, a workspace file
EXIT_IOERR = 74  # a write that failed (disk full, I/O error, permissions)
EXIT_TEMPFAIL = 75  # another process holds the store's lock for too long


class SdpolicyError(Exception):
    """A failure with a message fit for a user and the exit code that goes with it."""

    exit_code = EXIT_USAGE

    def __init__(
        self, message: str, *, zh: str | None = None, exit_code: int | None = None, problems: list[str] | None = None
    ):
        super().__init__(message)
        self.message = message
        # The same sentence for a Chinese interface; diagnostics about data files stay English.
        self.zh = zh
        if exit_code is not None:
            self.exit_code = exit_code
        # Some checks find many problems at once (a catalogue, a store); all of them are reported.
        self.problems: list[str] = problems or []

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" and self.zh else self.message


class UsageError(SdpolicyError):
    """A value on the command line that cannot be accepted: unknown id, negative count, bad date."""

    exit_code = EXIT_USAGE


class DataError(SdpolicyError):
    """A data file (catalogue or store) that is invalid; `problems` lists every finding."""

    exit_code = EXIT_DATAERR


class MissingInputError(SdpolicyError):
    exit_code = EXIT_NOINPUT


class WriteError(SdpolicyError):
    exit_code = EXIT_IOERR


class LockTimeoutError(SdpolicyError):
    exit_code = EXIT_TEMPFAIL
