"""One exception tree for everything the workbench reports to a user.

Every message says what went wrong and, where possible, what to do about it.
The CLI turns these into a one-line message and exit code 1; anything else is
a bug and keeps its traceback.
"""


class WorkbenchError(Exception):
    """Base class: a problem the user can act on."""


class InputError(WorkbenchError):
    """A file or text given to the workbench cannot be used as it is."""


class EncodingError(InputError):
    """The bytes of a file cannot be decoded as text with confidence."""


class BinaryFileError(InputError):
    """The file is binary (image, archive, ...), not text."""


class EmptyInputError(InputError):
    """The file holds no text at all."""


class FileTooLargeError(InputError):
    """The file is larger than the configured limit."""


class UnsupportedLanguageError(WorkbenchError):
    """A language or language pair that no installed component can handle."""


class StoreError(WorkbenchError):
    """The project database cannot be opened, migrated or written."""


class ConflictError(StoreError):
    """Someone else changed the row since it was read (optimistic locking)."""


class NotFoundError(WorkbenchError):
    """A document, segment or other named object does not exist."""


class EngineError(WorkbenchError):
    """A translation engine failed or is not available."""


class ModelError(EngineError):
    """A translation model is missing, broken or cannot be installed."""


class OfflineError(ModelError):
    """The model index or a download could not be reached (no network, or no answer in time)."""


class GlossaryError(InputError):
    """A glossary file or row is invalid; the message names file and line."""


class FormatError(InputError):
    """An import/export file is malformed or unsafe."""


class NotAllowedError(WorkbenchError):
    """The logged-in account's role does not allow the action (or the document is not
    assigned to the reviewer)."""
