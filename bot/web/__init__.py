"""The web side: the webhook endpoint, the status page and ``amts serve``; it only
verifies, records and enqueues.
"""
