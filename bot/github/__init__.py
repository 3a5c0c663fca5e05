"""GitHub and git: the App's clients, pull requests, bare mirrors, and text made safe to
post.
"""
