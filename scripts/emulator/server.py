"""`npm run emulator`: moto's server with the project's closures of its gaps (closures.py)."""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import moto.server
except ImportError:
    sys.exit('The AWS emulator is missing: install it with  pip install "moto[server]>=5.1,<6"')

from closures import CLOSURES, apply_all

DEFAULT_PORT = 5055


USAGE = f"""usage: npm run emulator
Starts moto's server with the project's closures on http://127.0.0.1:$SSK_EMULATOR_PORT (default {DEFAULT_PORT})."""


def main() -> None:
    if len(sys.argv) > 1:
        help_asked = sys.argv[1:] in (["--help"], ["-h"])
        print(USAGE if help_asked else f"unexpected arguments {' '.join(sys.argv[1:])}\n\n{USAGE}", file=sys.stderr)
        sys.exit(0 if help_asked else 2)
    port = os.environ.get("SSK_EMULATOR_PORT", str(DEFAULT_PORT))
    apply_all()
    print(f"emulator: moto {moto.__version__} on http://127.0.0.1:{port} with {len(CLOSURES)} closures: "
          + ", ".join(c.name for c in CLOSURES), flush=True)
    moto.server.main(["-H", "127.0.0.1", "-p", port])


if __name__ == "__main__":
    main()
