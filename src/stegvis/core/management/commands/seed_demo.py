import random
from importlib import import_module

from django.apps import apps
from django.db import transaction
from faker import Faker

from stegvis.core import demo, services
from stegvis.core.commands import StegvisCommand
from stegvis.core.models import Federation
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope


def _app_seeders(name: str = "seed"):
    """Each app's ``demo.seed``; ``seed_last`` functions run after every app has seeded (for
    demo data that builds on other apps' people)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("stegvis."):
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError:
            continue
        if hasattr(module, name):
            yield config.label, getattr(module, name)


class Command(StegvisCommand):
    help = "Laddar ett realistiskt demoförbund med användare för alla roller."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help="Slumpfrö (samma data varje gång)."
        )

    def handle(self, *args, **options):
        if Federation.objects.filter(slug=demo.DEMO_SLUG).exists():
            self.stdout.write(f"Demoförbundet {demo.DEMO_SLUG} finns redan; inget ändrades.")
        else:
            self._seed(options["seed"])
        self._print_logins()

    @transaction.atomic
    def _seed(self, seed: int) -> None:
        federation, _ = services.federation_create(slug=demo.DEMO_SLUG, name=demo.DEMO_NAME)
        faker = Faker("sv_SE")
        faker.seed_instance(seed)
        ctx = demo.DemoContext(federation=federation, rng=random.Random(seed), faker=faker)
        with federation_scope(federation):
            for label, seeder in _app_seeders():
                seeder(ctx)
                self.stdout.write(f"  {label}: klart")
            for label, seeder in _app_seeders("seed_last"):
                seeder(ctx)
                self.stdout.write(f"  {label}: klart (kedjan)")
        # A second, small federation shows the federation switcher and tenant isolation.
        second, _ = services.federation_create(slug=demo.SECOND_SLUG, name=demo.SECOND_NAME)
        services.user_create_or_update(
            federation=second,
            username="admin",
            role=Role.FEDERATION_ADMIN,
            password=None,
            check_password=False,
        )
        # Demo logins work with the password alone; anyone may still enrol at /tvafaktor/.
        for demo_federation in (federation, second):
            demo_federation.settings["two_factor_required"] = False
            demo_federation.save(update_fields=["settings"])
        self.stdout.write(self.style.SUCCESS(f"Skapade {federation.name} ({federation.slug})."))

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemoinloggningar (lösenord för alla: {demo.DEMO_PASSWORD})")
        for username, role, _codes in [(u[0], u[1], u[7]) for u in demo.USERS]:
            roles = [role, *demo.EXTRA_ROLES.get(username, [])]
            self.stdout.write(f"  {username:<16} {' och '.join(Role(r).label for r in roles)}")
        self.stdout.write(
            "Tvåstegsverifiering krävs inte i demoförbunden; den kan slås på under /tvafaktor/."
        )
