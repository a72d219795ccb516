"""The one exception of the material parser and its checks (kept apart so both can use it)."""


class MaterialError(ValueError):
    """The material has a mistake; the message names the file and what is wrong."""
