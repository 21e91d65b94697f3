"""One root for every error a user can cause or meet.

Each error carries its exit status (the CLI's) and its HTTP status (the web app's), and a one-line
message that names the file, row or item and the fix. The CLI and the web app map them to output in
one place each (``screening.cli.errors``, ``screening.web``); no traceback reaches a user for a usage
or data error. Raise the most specific class; catch ``RegscreenError``.
"""


class RegscreenError(Exception):
    """Base of every domain error: ``str(error)`` is the one-line message for the user."""

    exit_code = 2
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(RegscreenError):
    """A file the user gave cannot be used as it is (an extract, a list, a configuration)."""


class ExtractError(InputError):
    """An extract that cannot be read at all; the message names the file and the fix."""


class ListError(InputError):
    """A term-list, category, regulator or vocabulary file that cannot be used; names the file and entry."""


class ConfigError(InputError):
    """A setting, option or folder that does not fit (an unknown regulator, a missing drop folder…)."""


class UsageError(RegscreenError):
    """A command used in a way that cannot work (a missing option, an option that contradicts another)."""


class QueryError(RegscreenError):
    """An analyst's query that the store refuses or cannot run; the message says which and why."""


class StoreError(RegscreenError):
    """The store cannot be used for this: missing, not a store, or in a state that refuses the write."""

    http_status = 503


class StoreMissing(StoreError):
    """There is no store at the path given."""


class SnapshotUnavailable(StoreError):
    """The store has no published snapshot and one cannot be published now."""


class RunInProgress(StoreError):
    """Another run holds the store; try again when it has finished."""

    exit_code = 75  # EX_TEMPFAIL: a retry later will work


class NotFound(RegscreenError):
    """The firm, run or item asked for is not in the store."""

    http_status = 404


class AccessDenied(RegscreenError):
    """The signed-in user's role does not allow this (a viewer deciding), or a form came without its token."""

    exit_code = 77  # EX_NOPERM
    http_status = 403


class DecisionError(RegscreenError):
    """A decision that cannot be recorded; the message says why and what to do."""

    http_status = 409


class DeliveryError(RegscreenError):
    """A hand-off that could not be delivered now; it stays pending and is retried."""

    exit_code = 1
    http_status = 502


class ApplicationError(InputError):
    """An application at the counter that cannot be checked as given (a field missing or malformed);
    the message names the field and what it must be."""

    http_status = 422


class AuthError(RegscreenError):
    """A request without a valid API key (none, unknown or revoked): the message says which."""

    http_status = 401


class TooLarge(InputError):
    """A request body over the size the server accepts; nothing of it was read further."""

    http_status = 413
