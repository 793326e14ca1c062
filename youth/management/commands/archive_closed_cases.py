from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from youth.retention import archive_closed_cases

MINIMUM_YEARS = 3


class Command(BaseCommand):
    help = (
        "Archive the records of youth whose every case closed more than N years ago: remove "
        "their personal fields, free texts and district records, keep what the reports count. "
        "Safe to run again; nothing is deleted from the case history."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-years",
            type=int,
            default=None,
            help="Years since the last case closed (default: the RETENTION_YEARS setting).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the records due; change nothing."
        )

    def handle(self, *args, older_than_years: int | None, dry_run: bool, **options):
        years = settings.RETENTION_YEARS if older_than_years is None else older_than_years
        if years < MINIMUM_YEARS:
            raise CommandError(
                f"--older-than-years must be at least {MINIMUM_YEARS}: WIOA records are kept "
                "three years after the grant's final report (2 CFR 200.334)."
            )
        run = archive_closed_cases(years=years, dry_run=dry_run)
        self.stdout.write(run.summary(years=years, dry_run=dry_run))
