"""Every name `import benchmark` promises resolves and carries a docstring."""

from __future__ import annotations

import benchmark


def test_every_public_name_resolves_and_has_a_docstring() -> None:
    missing_doc = []
    for name in benchmark.__all__:
        obj = getattr(benchmark, name)
        if not (getattr(obj, "__doc__", None) or "").strip():
            missing_doc.append(name)
    assert missing_doc == []


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        benchmark.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")
