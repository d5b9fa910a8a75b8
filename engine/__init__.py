"""The workflow runtime on SpiffWorkflow: definitions, instances, the human-task table, locking.

Imports `membership`, never `webapp`.
"""
