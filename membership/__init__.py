"""The domain: associations, physicians, facilities, memberships and applications.

Knows nothing of Flask, Celery or SpiffWorkflow. Owns the SQLAlchemy metadata and the migrations.
"""
