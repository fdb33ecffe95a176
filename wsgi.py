"""Production entry point: `gunicorn wsgi:app` (settings from the environment; WAYMARK_ENV=production)."""
from app import create_app

app = create_app()
