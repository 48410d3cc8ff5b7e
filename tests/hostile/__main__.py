"""``python -m tests.hostile --count``: the corpus's size, by kind."""

from __future__ import annotations

import argparse
from collections import Counter

from tests.hostile.corpus import fast_subset, generate, kept, operations


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.hostile")
    parser.add_argument("--count", action="store_true", help="print how many requests the corpus holds")
    args = parser.parse_args()
    cases = generate()
    if args.count:
        for kind, n in sorted(Counter(case.kind for case in cases).items()):
            print(f"{n:6}  {kind}")
        print(f"{len(kept()):6}  kept inputs (found.json)")
        pages = {case.operation for case in cases if case.operation.startswith("page ")}
        print(
            f"{len(cases):6}  requests: {len(operations())} operations of the spec and {len(pages)} of pages"
        )
        print(f"{len(fast_subset(cases)):6}  in the fast subset")


if __name__ == "__main__":
    main()
