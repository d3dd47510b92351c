"""Print the OpenAPI document: `python -m app.api.openapi_export > openapi/openapi.json`."""

from __future__ import annotations

import json
import sys

from fastapi import FastAPI


def render(app: FastAPI) -> str:
    """The app's OpenAPI document as stable text (sorted keys, indent 2, final newline)."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    """Write the document of a freshly created app to stdout."""
    from app.main import create_app

    sys.stdout.write(render(create_app()))


if __name__ == "__main__":
    main()
