"""The sync job and what keeps it healthy: planning, the pull request, publishing, starting
points, memory, reconcile.
"""
