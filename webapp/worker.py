"""Entry point for `celery -A webapp.worker worker` and `… beat`."""

from webapp import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
