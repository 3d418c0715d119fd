from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from stegvis.core import services
from stegvis.core.commands import StegvisCommand


class Command(StegvisCommand):
    help = "Skapar en API-nyckel för en användare och skriver ut den (bara nyckeln)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="kommandorad", help="Nyckelns namn.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Användaren '{username}' finns inte eller är inaktiverad.")
        _token, key = services.token_create(user=user, name=name)
        self.stdout.write(key)
