from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from stegvis.core.commands import StegvisCommand
from stegvis.security import twofactor


class Command(StegvisCommand):
    help = (
        "Nollställer tvåstegsverifieringen för en användare som har tappat både telefon och "
        "reservkoder. Vid nästa inloggning ställer användaren in en ny app."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Användaren '{options['username']}' finns inte.")
        twofactor.reset(user=user)
        self.stdout.write(f"Tvåstegsverifieringen för {user.username} är nollställd.")
