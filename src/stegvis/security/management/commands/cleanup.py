import json
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from stegvis.core.commands import StegvisCommand
from stegvis.core.models import LoginAddress, LoginFailure
from stegvis.core.services import KNOWN_ADDRESS_FOR
from stegvis.imports import services as import_services


class Command(StegvisCommand):
    help = (
        "Städar bort det som inte ska sparas: importfiler som aldrig importerades (inom ett "
        "dygn från uppladdningen), gamla förloppsfiler, utgångna sessioner och gamla "
        "inloggningsförsök. Kör varje timme (cron eller schemaläggare)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        now = timezone.now()
        counts = import_services.cleanup()
        counts["sessions"] = Session.objects.filter(expire_date__lt=now).delete()[0]
        window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        counts["login_failures"] = LoginFailure.objects.filter(time__lt=now - window).delete()[0]
        counts["login_addresses"] = LoginAddress.objects.filter(
            last_success__lt=now - KNOWN_ADDRESS_FOR
        ).delete()[0]
        if options["format"] == "json":
            self.stdout.write(json.dumps(counts))
            return
        labels = {
            "import_files": "importfiler som aldrig importerades",
            "progress_files": "förloppsfiler",
            "sessions": "utgångna sessioner",
            "login_failures": "gamla misslyckade inloggningar",
            "login_addresses": "inaktuella inloggningsadresser",
        }
        for key, label in labels.items():
            self.stdout.write(f"{label}: {counts[key]}")
