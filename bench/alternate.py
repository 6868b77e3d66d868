#!/usr/bin/env python3
"""Times commands in turn (a, b, a, b, ...) rather than one after the other.

On a shared machine the load from elsewhere comes and goes over seconds: hyperfine's
all-of-a-then-all-of-b lets a busy minute fall on one command alone, and a ratio of two
medians then says more about the host than about the commands. Taken in turn, each round
meets the same load.

    bench/alternate.py [--runs 15] [--warmup 1] NAME=COMMAND [NAME=COMMAND ...]

COMMAND is split like a shell line; `{out}` in it is a folder removed before each run
(under /dev/shm when it exists). Prints each command's median, quartiles and minimum in
milliseconds, and its median against the first command's. For example:

    bench/alternate.py \\
      'floor=/tmp/bench/floor-target/release/bench-floor /tmp/bench/corpus-10k {out}' \\
      'ironsmith=target/release/ironsmith build -q /tmp/bench/corpus-10k --destination {out}'
"""

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("commands", nargs="+", metavar="NAME=COMMAND")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")

    commands = []
    for spec in args.commands:
        name, sep, command = spec.partition("=")
        if not sep or not name or not command.strip():
            parser.error(f"`{spec}` is not NAME=COMMAND")
        commands.append((name, shlex.split(command)))

    root = "/dev/shm" if os.access("/dev/shm", os.W_OK) else "/tmp"
    out = os.path.join(root, f"ironsmith-alternate-{os.getpid()}")
    times = {name: [] for name, _ in commands}
    try:
        for round_number in range(args.warmup + args.runs):
            for name, argv in commands:
                shutil.rmtree(out, ignore_errors=True)
                started = time.perf_counter()
                try:
                    result = subprocess.run([part.replace("{out}", out) for part in argv])
                except OSError as error:
                    print(f"{name}: cannot run {argv[0]}: {error.strerror}", file=sys.stderr)
                    return 1
                elapsed = time.perf_counter() - started
                if result.returncode != 0:
                    print(f"{name} failed with exit code {result.returncode}", file=sys.stderr)
                    return 1
                if round_number >= args.warmup:
                    times[name].append(elapsed * 1000)
    finally:
        shutil.rmtree(out, ignore_errors=True)

    first = statistics.median(times[commands[0][0]])
    print(f"{'command':<14}{'median':>9}{'q1':>9}{'q3':>9}{'min':>9}  ms, {args.runs} rounds")
    for name, _ in commands:
        ms = sorted(times[name])
        median = statistics.median(ms)
        q1, _, q3 = statistics.quantiles(ms, n=4) if len(ms) > 1 else (ms[0], ms[0], ms[0])
        ratio = "" if name == commands[0][0] else f"  {median / first:.2f}x {commands[0][0]}"
        print(f"{name:<14}{median:9.1f}{q1:9.1f}{q3:9.1f}{ms[0]:9.1f}{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
