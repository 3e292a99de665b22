# SPDX-License-Identifier: GPL-2.0-or-later
"""Makes one damaged copy of a capture, the same for the same seed.

Packet bytes are changed by editcap -E (2 % of the bytes, editcap --seed),
which keeps the file's structure.  One seed in three also cuts the file at
a random point (the last record ends early, as when a capture is copied
while written), and one in three changes a few bytes anywhere past the
file header, which reaches record headers: lengths, timestamps, block
types.  Python's random.Random(seed) picks where, so a failing file can be
rebuilt from its name.

Usage: python3 damage.py INPUT OUTPUT SEED
"""
import os
import random
import subprocess
import sys

BYTE_ERROR_PROBABILITY = "0.02"
FILE_HEADER_BYTES = 64  # pcap's 24-byte header, or a pcapng section header and more


# editcap writes pcapng unless told otherwise: keep each file's own format,
# so that record-level damage hits the headers the file really has.
FORMATS = {
    b"\xa1\xb2\xc3\xd4": "pcap", b"\xd4\xc3\xb2\xa1": "pcap",
    b"\xa1\xb2\x3c\x4d": "nsecpcap", b"\x4d\x3c\xb2\xa1": "nsecpcap",
}


def file_format(path):
    with open(path, "rb") as handle:
        return FORMATS.get(handle.read(4), "pcapng")


def damage(source, target, seed):
    # editcap itself is not under test: no sanitizer runtime for it
    environment = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
    subprocess.run(["editcap", "-F", file_format(source), "-E", BYTE_ERROR_PROBABILITY, "--seed", str(seed),
                    source, target], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=environment)
    chooser = random.Random(seed)
    size = os.path.getsize(target)
    if size <= FILE_HEADER_BYTES + 1:
        return
    if seed % 3 == 1:
        with open(target, "r+b") as handle:
            handle.truncate(chooser.randrange(FILE_HEADER_BYTES, size))
    elif seed % 3 == 2:
        with open(target, "r+b") as handle:
            for _ in range(1 + seed % 4):
                handle.seek(chooser.randrange(FILE_HEADER_BYTES, size))
                handle.write(bytes([chooser.randrange(256)]))


if __name__ == "__main__":
    damage(sys.argv[1], sys.argv[2], int(sys.argv[3]))
