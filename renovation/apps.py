from django.apps import AppConfig


class RenovationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "renovation"
