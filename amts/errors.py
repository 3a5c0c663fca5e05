"""The exceptions AMTS raises: each message names the file or setting to fix."""

from __future__ import annotations


class AmtsError(Exception):
    """Base class: anything AMTS reports to a maintainer."""


class InputError(AmtsError):
    """An input file or argument that AMTS cannot use as it is."""


class MarkupError(InputError):
    """Markdown that cannot be modelled safely (an unclosed code fence, say)."""


class LanguageError(InputError):
    """A language code AMTS has no rules for."""


class AlignmentError(AmtsError):
    """A translation that does not follow its English source closely enough to update."""


class EngineError(AmtsError):
    """A translation engine failed; what finished before the failure is kept."""


class PlaceholderError(EngineError):
    """An engine returned a segment whose protected spans did not survive."""
