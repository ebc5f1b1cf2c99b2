"""Named build profiles: which encoders the grouper runs, in one word.

e5 is about 90% of a default build's CPU (0.4-0.7 s per article on one core), so
a large corpus wants ``fast`` (USE only) or ``lexical`` (no encoder at all).
What each costs and how well it groups: ``docs/building.md`` (bench table).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

ProfileName = Literal["default", "fast", "lexical"]

#: The grouping settings each profile fixes.
PROFILES: dict[str, dict[str, bool]] = {
    "default": {"use_embeddings": True, "use_e5": True},
    "fast": {"use_embeddings": True, "use_e5": False},
    "lexical": {"use_embeddings": False, "use_e5": False},
}

#: One line per profile for ``--help`` and the dataset card.
PROFILE_NOTES: dict[str, str] = {
    "default": "TF-IDF, entities, dates, USE and e5 encoders",
    "fast": "TF-IDF, entities, dates and USE; no e5, the costliest encoder",
    "lexical": "TF-IDF, entities, numbers and dates; no sentence encoder",
}


def profile_of(group: Mapping[str, Any]) -> ProfileName:
    """The profile a set of grouping settings amounts to (missing keys take defaults)."""
    if not group.get("use_embeddings", True):
        return "lexical"
    return "default" if group.get("use_e5", True) else "fast"


def apply_profile(name: str | None, group: Mapping[str, Any],
                  explicit: set[str]) -> tuple[str | None, dict[str, Any]]:
    """The profile's name and the grouping settings with it applied.

    Without a name, the profile is derived from the settings (a config file
    written before profiles, e.g. ``group: {use_e5: false}`` is ``fast``).
    ``explicit`` names the grouping settings the user gave: one that contradicts
    a named profile is a ValueError naming both, not a silent override.
    """
    out = dict(group)
    if name is None:
        name, explicit = profile_of(out), set()
    if name not in PROFILES:
        return name, out  # the field's validator names the allowed values
    for key, value in PROFILES[name].items():
        if key in explicit and bool(out[key]) != value:
            raise ValueError(
                f"profile '{name}' sets group.{key} to {str(value).lower()}, but the "
                f"settings give {str(bool(out[key])).lower()}; drop one of the two")
        out[key] = value
    return name, out
