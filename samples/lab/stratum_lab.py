#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A tiny Stratum (v1) pool and miner for the lab captures.

Debian ships no Stratum miner, so both ends are this script.  What goes over
the wire is real Stratum: newline-delimited JSON-RPC over TCP with
mining.subscribe, mining.authorize, mining.set_difficulty, mining.notify and
mining.submit, in the order a miner and a pool exchange them.  The message
contents are the examples from the protocol's public description.

    stratum_lab.py serve ADDRESS PORT SECONDS
    stratum_lab.py mine ADDRESS PORT
"""
import json
import socket
import sys
import time

SUBSCRIBE_RESULT = [
    [["mining.set_difficulty", "b4b6693b72a50c7116db18d6497cac52"],
     ["mining.notify", "ae6812eb4cd7735a302a8a9dd95cf71f"]],
    "08000002", 4]
NOTIFY_PARAMS = [
    "bf", "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000",
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff20020862062f503253482f04b8864e5008",
    "072f736c7573682f000000000100f2052a010000001976a914d23fcdf86f7e756a64a7a9688ef9903327048ed988ac00000000",
    [], "00000002", "1c2ac4af", "504e86b9", False]


def send(connection, message):
    connection.sendall((json.dumps(message) + "\n").encode())


def serve_one(connection):
    lines = connection.makefile("r", encoding="utf-8")
    for line in lines:
        request = json.loads(line)
        method = request.get("method")
        if method == "mining.subscribe":
            send(connection, {"id": request["id"], "result": SUBSCRIBE_RESULT, "error": None})
        elif method == "mining.authorize":
            send(connection, {"id": request["id"], "result": True, "error": None})
            send(connection, {"id": None, "method": "mining.set_difficulty", "params": [1]})
            send(connection, {"id": None, "method": "mining.notify", "params": NOTIFY_PARAMS})
        elif method == "mining.submit":
            send(connection, {"id": request["id"], "result": True, "error": None})
            return


def serve(address, port, seconds):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    deadline = time.monotonic() + seconds
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, port))
        listener.listen()
        while time.monotonic() < deadline:
            listener.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                break
            with connection:
                connection.settimeout(10)
                try:
                    serve_one(connection)
                except (OSError, ValueError) as error:
                    print("stratum pool:", error, file=sys.stderr)


def expect_reply(lines, request_id):
    """Reads lines until the reply to request_id; notifications may come first."""
    for line in lines:
        message = json.loads(line)
        if message.get("id") == request_id:
            return message
    raise ConnectionError("pool closed the connection")


def mine(address, port):
    with socket.create_connection((address, port), timeout=10) as connection:
        lines = connection.makefile("r", encoding="utf-8")
        send(connection, {"id": 1, "method": "mining.subscribe", "params": ["cpuminer/2.5.1"]})
        expect_reply(lines, 1)
        send(connection, {"id": 2, "method": "mining.authorize", "params": ["labworker.1", "x"]})
        expect_reply(lines, 2)
        job = None
        for line in lines:
            message = json.loads(line)
            if message.get("method") == "mining.notify":
                job = message["params"][0]
                break
        send(connection, {"id": 4, "method": "mining.submit",
                          "params": ["labworker.1", job, "00000001", "504e86ed", "b2957c02"]})
        reply = expect_reply(lines, 4)
        if reply.get("result") is not True:
            raise SystemExit("share rejected")


def main(argv):
    if len(argv) == 5 and argv[1] == "serve":
        serve(argv[2], int(argv[3]), float(argv[4]))
    elif len(argv) == 4 and argv[1] == "mine":
        mine(argv[2], int(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
