from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
        youth = seed_demo_youth(seed=seed)
        referrals = seed_demo_referrals(seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {staff} staff accounts, {youth} youth, {referrals} referrals."
            )
        )
