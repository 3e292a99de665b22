#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Servers and clients that share ports with better-known services, and IRC.

A port is not proof of a service: an HL7 interface engine listens inside
IRC's port range (6661), and anyone may run TLS on 6881 or 9001.  Debian has
no HL7 engine and no small IRC server, so both ends of those are this
script; what goes over the wire is the real protocol:

  hl7   MLLP framing (a 0x0b byte, the HL7 v2 message with segments ended by
        CR, then 0x1c 0x0d), an ORU^R01 result answered by an ACK (MSA|AA).
  irc   RFC 1459/2812 registration: the server's NOTICE AUTH, the client's
        NICK and USER, the 001 welcome, QUIT.

and a BitTorrent tracker on one port, both protocols:

  tracker  HTTP (BEP 3, BEP 23): /announce answers a bencoded compact peer
           list, /scrape the files' counts, anything else 404.  UDP (BEP 15):
           a connect request (protocol id 0x41727101980, action 0) answered
           with a connection id; the client then announces.
  udp-announce  the client side of BEP 15: connect, then announce.

    evidence_lab.py serve hl7|irc|tracker ADDRESS PORT SECONDS
    evidence_lab.py hl7|irc|udp-announce ADDRESS PORT
"""
import http.server
import os
import struct
import socket
import sys
import threading
import time

HL7_RESULT = (b"\x0bMSH|^~\\&|LAB|LABHOSP|HIS|HOSP|20240101120000||ORU^R01|MSG00001|P|2.5\r"
              b"PID|1||12345^^^HOSP||DOE^JANE\r"
              b"OBX|1|NM|2345-7^GLUCOSE||95|mg/dL|70-99|N|||F\r\x1c\r")
HL7_ACK = (b"\x0bMSH|^~\\&|HIS|HOSP|LAB|LABHOSP|20240101120001||ACK^R01|ACK00001|P|2.5\r"
           b"MSA|AA|MSG00001\r\x1c\r")


def read_until(connection, marker, limit=65536):
    data = b""
    while marker not in data and len(data) < limit:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def serve_hl7(connection):
    if HL7_RESULT[-2:] in read_until(connection, b"\x1c\r"):
        connection.sendall(HL7_ACK)
    read_until(connection, b"\x00")  # until the client closes


def serve_irc(connection):
    connection.sendall(b":irc.lab.test NOTICE AUTH :*** Looking up your hostname...\r\n")
    registration = read_until(connection, b"USER ")
    if not registration.endswith(b"\r\n"):
        read_until(connection, b"\r\n")
    connection.sendall(b":irc.lab.test 001 labbot :Welcome to the lab IRC network labbot\r\n")
    read_until(connection, b"QUIT")
    connection.sendall(b"ERROR :Closing link: labbot (Quit)\r\n")


UDP_TRACKER_PROTOCOL_ID = 0x41727101980
INFO_HASH = bytes(range(1, 21))
PEER_ID = b"-LT2080-labclient001"


class TrackerHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/announce":
            body = b"d8:intervali1800e5:peers6:" + bytes([10, 77, 2, 20, 0x1a, 0xe1]) + b"e"
        elif path == "/scrape":
            body = b"d5:filesdee"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


class DualStackServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


def serve_udp_tracker(address, port, deadline):
    sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, port))
    sock.settimeout(1)
    connection_id = int.from_bytes(os.urandom(8), "big")
    while time.monotonic() < deadline:
        try:
            packet, peer = sock.recvfrom(2048)
        except socket.timeout:
            continue
        if len(packet) >= 16:
            protocol_id, action, transaction = struct.unpack(">QII", packet[:16])
            if protocol_id == UDP_TRACKER_PROTOCOL_ID and action == 0:
                sock.sendto(struct.pack(">IIQ", 0, transaction, connection_id), peer)
            elif protocol_id == connection_id and action == 1:
                sock.sendto(struct.pack(">IIIII", 1, transaction, 1800, 0, 1), peer)


def serve_tracker(address, port, seconds):
    deadline = time.monotonic() + seconds
    threading.Thread(target=serve_udp_tracker, args=(address, port, deadline), daemon=True).start()
    server = DualStackServer((address, port), TrackerHandler)
    server.timeout = 1
    while time.monotonic() < deadline:
        server.handle_request()


def serve(kind, address, port, seconds):
    if kind == "tracker":
        serve_tracker(address, port, seconds)
        return
    handler = {"hl7": serve_hl7, "irc": serve_irc}[kind]
    listener = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(8)
    listener.settimeout(1)
    deadline = time.monotonic() + seconds

    def run(connection):
        with connection:
            connection.settimeout(10)
            try:
                handler(connection)
            except OSError:
                pass

    while time.monotonic() < deadline:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=run, args=(connection,), daemon=True).start()


def connect(address, port):
    connection = socket.create_connection((address, port), timeout=10)
    return connection


def client_hl7(address, port):
    with connect(address, port) as connection:
        connection.sendall(HL7_RESULT)
        answer = read_until(connection, b"\x1c\r")
        if b"MSA|AA|MSG00001" not in answer:
            sys.exit("no HL7 ACK")


def client_irc(address, port):
    with connect(address, port) as connection:
        read_until(connection, b"\r\n")
        connection.sendall(b"NICK labbot\r\nUSER labbot 0 * :Capture Triage lab\r\n")
        if b" 001 " not in read_until(connection, b" 001 "):
            sys.exit("no IRC welcome")
        connection.sendall(b"QUIT :bye\r\n")
        read_until(connection, b"ERROR")


def client_udp_announce(address, port):
    sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5)
    sock.connect((address, port))
    sock.send(struct.pack(">QII", UDP_TRACKER_PROTOCOL_ID, 0, 0x1a2b3c4d))
    action, transaction, connection_id = struct.unpack(">IIQ", sock.recv(2048)[:16])
    if action != 0 or transaction != 0x1a2b3c4d:
        sys.exit("no UDP tracker connect answer")
    announce = struct.pack(">QII20s20sQQQIIIiH", connection_id, 1, 0x1a2b3c4e, INFO_HASH, PEER_ID,
                           0, 0, 0, 2, 0, 0, 50, 6881)
    sock.send(announce)
    if struct.unpack(">I", sock.recv(2048)[:4])[0] != 1:
        sys.exit("no UDP tracker announce answer")


def main(arguments):
    if len(arguments) == 5 and arguments[0] == "serve":
        serve(arguments[1], arguments[2], int(arguments[3]), float(arguments[4]))
    elif len(arguments) == 3 and arguments[0] in ("hl7", "irc", "udp-announce"):
        {"hl7": client_hl7, "irc": client_irc, "udp-announce": client_udp_announce}[arguments[0]](
            arguments[1], int(arguments[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
