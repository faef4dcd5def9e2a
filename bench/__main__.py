"""`python -m bench <name> [args…]`: import bench.<name> and call its main()."""

import importlib
import os
import secrets
import sys


def run(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m bench <name> [args...]   e.g. python -m bench deadlines")
        return 2
    name = argv[0].replace("-", "_")
    # the scratch var/ of a benchmark has no key file: a throwaway key for it and its child processes
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    module = importlib.import_module(f"bench.{name}")
    sys.argv = [f"bench {name}", *argv[1:]]
    return module.main() or 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
