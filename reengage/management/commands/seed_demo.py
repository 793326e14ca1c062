from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import seed_demo_authenticators
from centers.demo import seed_demo_staff
from referrals.demo import seed_demo_referrals
from youth.demo import seed_demo_youth


class Command(BaseCommand):
    help = "Load the deterministic demo data (demo accounts and staff). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even with DEBUG off (for a demo server only).",
        )

    def handle(self, *args, seed: int, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts with DEBUG off; pass --allow-production "
                "on a demo server."
            )
        staff = seed_demo_staff(seed=seed)
        with_demo_key = seed_demo_authenticators()
        youth = seed_demo_youth(seed=seed)
        referrals = seed_demo_referrals(seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {staff} staff accounts, {youth} youth, {referrals} referrals."
            )
        )
        self.stdout.write(
            f"{with_demo_key} accounts that require two-step sign-in use the demo key; "
            "`python manage.py demo_two_step_code` prints its current code."
        )
