"""The ``stegvis`` console command: Django's management commands under the product's name.

Commands are spelled with hyphens (``stegvis create-user``); the modules use underscores.
"""

from __future__ import annotations

import os
import sys

# Names that cannot be Python module names are mapped explicitly.
_ALIASES = {"import": "import_data"}


def _command_name(name: str) -> str:
    return _ALIASES.get(name, name.replace("-", "_"))


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stegvis.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "stegvis"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = _command_name(args[1])
    if len(args) > 1 and args[1] == "match_file":
        # A pure computation on a file: solved without starting Django when the arguments are
        # plain (see stegvis.matching.instance_file.main).
        from stegvis.matching.instance_file import main as match_file

        status = match_file(args[2:])
        if status is not None:
            sys.exit(status)
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
