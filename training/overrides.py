"""Settings dataclasses changed by "name=value" strings: the --set flags of training/nondigit_head.py
and of the bench scripts."""

import dataclasses

TRUE = ("1", "true", "yes")  # what a bool field reads as true; anything else is false


def replaced(settings, overrides):
    """A copy of the dataclass instance `settings` with each "name=value" of `overrides` applied,
    the value read as the field's default is typed: a bool (TRUE), an int, a float ("inf" too) or
    a str; a field whose default is None takes "none" or a whole number. Raises ValueError saying
    what was wrong."""
    fields = {field.name: field for field in dataclasses.fields(settings)}
    changes = {}
    for override in overrides:
        name, equals, text = override.partition("=")
        if name not in fields or not equals or not text:
            raise ValueError(f"{override!r}: expected NAME=VALUE with NAME one of {', '.join(fields)}")
        default = fields[name].default
        changes[name] = _value(override, name, text, getattr(settings, name) if default is dataclasses.MISSING
                               else default)
    return dataclasses.replace(settings, **changes)


def _value(override, name, text, default):
    if isinstance(default, bool):
        return text.lower() in TRUE
    if default is None and text.lower() == "none":
        return None
    kind = int if default is None else type(default)
    try:
        return kind(text)
    except (TypeError, ValueError):
        said = {int: "a whole number", float: "a number"}.get(kind, f"a {kind.__name__}")
        raise ValueError(f"{override!r}: {name} takes {said}, not {text!r}") from None
