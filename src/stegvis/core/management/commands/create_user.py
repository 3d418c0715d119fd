from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from stegvis.core import services
from stegvis.core.commands import StegvisCommand, get_federation
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention


class Command(StegvisCommand):
    help = "Skapar en användare (eller uppdaterar den) med en roll i ett förbund."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Användarnamn.")
        parser.add_argument("--federation", required=True, help="Förbundets kortnamn.")
        parser.add_argument("--role", required=True, help="Roll: " + ", ".join(Role.values) + ".")
        parser.add_argument("--password", required=True, help="Lösenord.")
        parser.add_argument(
            "--intervention",
            action="extend",
            nargs="+",
            default=[],
            metavar="CODE",
            help="Insatskod(er) som användaren arbetar i.",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        username = options["username"].strip()
        if not username:
            raise CommandError("Användarnamnet får inte vara tomt.")
        role = options["role"]
        if role not in Role.values:
            raise CommandError(f"Okänd roll '{role}'. Välj en av: {', '.join(Role.values)}.")
        federation = get_federation(options["federation"])
        password = options["password"]
        if not password:
            raise CommandError("Lösenordet får inte vara tomt.")
        try:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password)
        except ValidationError as exc:
            # The operator running the command decides; the web UI enforces the rules.
            self.stderr.write("Varning: lösenordet följer inte lösenordsreglerna: " + " ".join(exc))
        with federation_scope(federation):
            interventions = []
            for code in options["intervention"]:
                intervention = Intervention.objects.filter(code=code).first()
                if intervention is None:
                    intervention = Intervention.objects.create(code=code, name=code)
                    self.stderr.write(
                        f"Insatsen {code} fanns inte i {federation.slug} och har skapats."
                    )
                interventions.append(intervention)
        user, membership = services.user_create_or_update(
            federation=federation,
            username=username,
            role=role,
            password=password,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            interventions=interventions,
            check_password=False,
        )
        self.stdout.write(
            f"{user.username}: {membership.get_role_display()} i {federation.slug}"
            + (f" ({', '.join(i.code for i in interventions)})" if interventions else "")
        )
