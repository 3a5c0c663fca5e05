"""AMTS: keep translated copies of a book repository in sync with its English source.

The core library: the book's markdown model, sentences, alignment, parallel data,
translation memory, engines and reports. It knows nothing of GitHub; the app in
``bot/`` builds on it.
"""

__version__ = "0.1.0"
