"""The ``regscreen`` command line: one group, its commands by stage, errors mapped in one place.

Every command reads the settings here (``screening.cli.options``) and passes what the library needs
down as arguments. A domain error (:class:`screening.errors.RegscreenError`) becomes one line on
stderr and the error's exit status: no traceback reaches a user for a usage or data error.
"""

import sys

import click

from screening.cli import (handoff_commands, intake_commands, run_commands, screening_commands, service_commands,
                           store_commands, web_commands)
from screening.cli.terminal import echo
from screening.errors import RegscreenError


class RegscreenGroup(click.Group):
    """The command group that maps every domain error to a one-line message and its exit status."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RegscreenError as error:
            echo(f"regscreen: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            sys.stderr.close()
            ctx.exit(0)


@click.group(cls=RegscreenGroup)
def main() -> None:
    """Screen business registrations for the plans' restricted words (互联网金融风险专项整治)."""


for module in (screening_commands, store_commands, run_commands, handoff_commands, intake_commands, web_commands,
               service_commands):
    for command in module.COMMANDS:
        main.add_command(command)
