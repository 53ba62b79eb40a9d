"""The one exception type that the CLI turns into a one-line message and exit code 2."""


class UserError(Exception):
    """Bad input from the user: a scenario, a flag, a file or a folder. The message is one line."""
