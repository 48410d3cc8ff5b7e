"""A generated corpus of hostile requests, one family of them for every
operation of ``spec/rest-api.yml``, and the inputs that once found a bug.

- :mod:`tests.hostile.corpus` reads the spec and builds the cases (the same
  on every run) and the fast subset of them (drawn with a fixed seed);
- :mod:`tests.hostile.wire` sends one case over a real socket, byte for byte,
  and reads the answer (or sees the connection drop);
- ``found.json`` holds every input that ever found a bug; it always runs.

``python -m tests.hostile --count`` prints the corpus's size by kind.
"""
