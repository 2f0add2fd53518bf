"""Errors an analyst can act on: the CLI prints their message and exits with code 2, no traceback."""


class InputError(Exception):
    """Bad input (file, folder, column, parameter): the message names what and what was expected."""
