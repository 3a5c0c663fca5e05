"""The queue and the workers: job records, tasks, leases, time limits and the processes
that run them.
"""
