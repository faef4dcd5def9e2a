import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propserv.settings.base")

app = Celery("propserv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
