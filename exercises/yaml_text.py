"""YAML as the bank is written: plain data only (the safe loader), parsed by libyaml when PyYAML
was built with it (about ten times faster than the pure-Python parser)."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The data in `text`; raises yaml.YAMLError (with a problem_mark where it can) if it is not YAML."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - a safe loader: plain data only
