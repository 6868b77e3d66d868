#!/usr/bin/env python3
"""An ironsmith `exec` plugin: counts the words of every page.

ironsmith writes newline-delimited JSON on stdin: a header line, then one line
per file. This answers on stdout with one change per line: each page's word
count (under `words`, or the key the step's `options` name), then the site's
total, in the global metadata. Anything for a human goes to stderr.
"""
import json
import re
import sys

TAG = re.compile(r"<[^>]*>")


def main():
    header = json.loads(sys.stdin.readline())
    key = header["options"].get("key", "words")
    total = 0
    for line in sys.stdin:
        file = json.loads(line)
        if file.get("encoding") != "utf8":
            continue  # binary files come as base64: nothing to count
        words = len(TAG.sub(" ", file["contents"]).split())
        total += words
        print(json.dumps({"op": "set", "path": file["path"], "metadata": {key: words}}))
    print(json.dumps({"op": "setGlobal", "metadata": {"totalWords": total}}))


if __name__ == "__main__":
    main()
