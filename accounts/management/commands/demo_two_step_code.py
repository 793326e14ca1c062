import time

from django.core.management.base import BaseCommand

from accounts.demo import demo_code


class Command(BaseCommand):
    help = (
        "Print the current two-step sign-in code of the demo key, which the demo supervisors, "
        "analyst and administrator share (it computes from the published key only)."
    )

    def handle(self, *args, **options):
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{demo_code()}  (changes in {left} s)")
