from django.core.management.base import CommandError
from django.utils.text import slugify

from stegvis.core import services
from stegvis.core.commands import StegvisCommand


class Command(StegvisCommand):
    help = "Skapar ett förbund (eller uppdaterar namnet om det redan finns)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Kortnamn i adresser, t.ex. skane-nordost.")
        parser.add_argument("--name", required=True, help="Förbundets namn.")

    def handle(self, *args, slug, name, **options):
        if slugify(slug) != slug:
            raise CommandError(
                f"Kortnamnet '{slug}' får bara innehålla små bokstäver a–z, siffror "
                "och bindestreck."
            )
        if not name.strip():
            raise CommandError("Namnet får inte vara tomt.")
        federation, created = services.federation_create(slug=slug, name=name.strip())
        verb = "Skapade" if created else "Finns redan:"
        self.stdout.write(f"{verb} {federation.slug} ({federation.name})")
