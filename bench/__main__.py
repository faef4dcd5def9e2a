"""`python -m bench <name> [args…]`: import bench.<name> and call its main()."""

import importlib
import sys


def run(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m bench <name> [args...]   e.g. python -m bench deadlines")
        return 2
    name = argv[0].replace("-", "_")
    module = importlib.import_module(f"bench.{name}")
    sys.argv = [f"bench {name}", *argv[1:]]
    return module.main() or 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
