from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        from estates.demo import DEMO_PASSWORD, demo_logins

        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in demo_logins():
            self.stdout.write(f"  {username:<18} {description}")
