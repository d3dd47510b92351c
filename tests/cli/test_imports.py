"""The CLI starts fast and offline: judging in-process loads no web framework and no HTTP client."""

from __future__ import annotations

import subprocess
import sys

from tests.cli.conftest import FIXTURES


def test_in_process_validate_loads_no_web_stack() -> None:
    code = (
        "import sys; from app.cli import main; "
        f"code = main(['validate', '-f', 'json', {str(FIXTURES / 'valid' / 'config.json')!r}]); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr); sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    assert not loaded & {"fastapi", "starlette", "uvicorn", "httpx", "specgate_client"}
