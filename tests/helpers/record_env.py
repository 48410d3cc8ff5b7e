"""A stand-in managed service: writes its pid and environment to the JSON
file named on the command line, then waits to be stopped."""

import json
import os
import sys
import time

with open(sys.argv[1] + ".tmp", "w") as f:
    json.dump({"pid": os.getpid(), "env": dict(os.environ), "cwd": os.getcwd()}, f)
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    time.sleep(60)
