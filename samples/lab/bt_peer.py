#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""BitTorrent peers for the lab captures, built on Debian's python3-libtorrent.

    bt_peer.py make-torrent DIRECTORY           writes DIRECTORY/lab.bin and lab.torrent
    bt_peer.py seed TORRENT DIRECTORY LISTEN[,LISTEN...] SECONDS
    bt_peer.py leech TORRENT DIRECTORY LISTEN PEER tcp|utp SECONDS
    bt_peer.py dht TORRENT LISTEN [BOOTSTRAP] SECONDS

LISTEN and PEER are "address:port" ("[v6]:port" for IPv6).  Every session has
local discovery, UPnP and NAT-PMP off, no tracker and no DHT bootstrap node
but the one given, so it only ever talks to the address it is told about.
Protocol encryption is off so the peer-wire handshake ("\\x13BitTorrent
protocol") is in the clear, as most clients still send it.
"""
import hashlib
import os
import sys
import time

import libtorrent as lt

CONTENT_NAME = "lab.bin"
# Three 16 KiB pieces: enough for real piece traffic, small enough that the
# captures stay small.
PIECE_SIZE = 16 * 1024
CONTENT_SIZE = 3 * PIECE_SIZE


def lab_content():
    """Deterministic bytes, so every run creates the same torrent."""
    blocks = []
    counter = 0
    while sum(len(b) for b in blocks) < CONTENT_SIZE:
        blocks.append(hashlib.sha256(b"capture-triage-lab-%d" % counter).digest())
        counter += 1
    return b"".join(blocks)[:CONTENT_SIZE]


def make_torrent(directory):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, CONTENT_NAME), "wb") as content:
        content.write(lab_content())
    files = lt.file_storage()
    lt.add_files(files, os.path.join(directory, CONTENT_NAME))
    torrent = lt.create_torrent(files, PIECE_SIZE)
    torrent.set_creator("capture-triage lab")
    lt.set_piece_hashes(torrent, directory)
    with open(os.path.join(directory, "lab.torrent"), "wb") as out:
        out.write(lt.bencode(torrent.generate()))


def split_endpoint(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def new_session(listen, dht=False, bootstrap="", tcp=True, utp=True):
    settings = {
        "listen_interfaces": listen,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_dht": dht,
        # The default bootstrap node is on the internet: never use it.
        "dht_bootstrap_nodes": bootstrap,
        # The lab's peers share private and documentation ranges, which the
        # DHT would otherwise refuse or thin out.
        "dht_ignore_dark_internet": False,
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_enforce_node_id": False,
        "dht_prefer_verified_node_ids": False,
        "enable_outgoing_tcp": tcp,
        "enable_incoming_tcp": tcp,
        "enable_outgoing_utp": utp,
        "enable_incoming_utp": utp,
        "out_enc_policy": int(lt.enc_policy.disabled),
        "in_enc_policy": int(lt.enc_policy.disabled),
        "allow_multiple_connections_per_ip": True,
        "user_agent": "capture-triage-lab/1.0 libtorrent/" + lt.__version__,
        "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.status_notification),
    }
    return lt.session(settings)


def add_torrent(session, torrent_path, directory):
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent_path)
    params.save_path = directory
    return session.add_torrent(params)


def seed(torrent_path, directory, listen, seconds):
    session = new_session(listen)
    handle = add_torrent(session, torrent_path, directory)
    handle.force_recheck()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.2)
    del session


def leech(torrent_path, directory, listen, peer, transport, seconds):
    session = new_session(listen, tcp=transport == "tcp", utp=transport == "utp")
    handle = add_torrent(session, torrent_path, directory)
    handle.connect_peer(split_endpoint(peer))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not handle.status().is_seeding:
        time.sleep(0.05)
    done = handle.status().is_seeding
    # Close the peer connection the way a client that is done does.
    session.remove_torrent(handle)
    time.sleep(0.5)
    del session
    if not done:
        sys.exit("leech: download not complete after %s s" % seconds)


def dht(torrent_path, listen, bootstrap, seconds):
    """A DHT-only node: it bootstraps (ping, find_node) and looks up the lab
    torrent's info-hash (get_peers) without transferring anything.
    (announce_peer is left out: python3-libtorrent 2.0.8 binds dht_announce
    with a flags type it does not export, so Python cannot call it.)"""
    session = new_session(listen, dht=True, bootstrap=bootstrap, tcp=False, utp=False)
    info_hash = lt.torrent_info(torrent_path).info_hash()
    deadline = time.monotonic() + seconds
    next_lookup = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        if bootstrap and time.monotonic() >= next_lookup:
            session.dht_get_peers(info_hash)
            next_lookup = deadline
        time.sleep(0.1)
    del session


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "make-torrent" and len(argv) == 3:
        make_torrent(argv[2])
    elif command == "seed" and len(argv) == 6:
        seed(argv[2], argv[3], argv[4], float(argv[5]))
    elif command == "leech" and len(argv) == 8:
        leech(argv[2], argv[3], argv[4], argv[5], argv[6], float(argv[7]))
    elif command == "dht" and len(argv) in (5, 6):
        bootstrap = argv[4] if len(argv) == 6 else ""
        dht(argv[2], argv[3], bootstrap, float(argv[-1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
