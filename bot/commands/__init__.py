"""The ``/amts`` comment commands: parsing, permission, and the retranslate and catch-up
work.
"""
