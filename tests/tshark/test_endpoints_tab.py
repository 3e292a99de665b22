# SPDX-License-Identifier: GPL-2.0-or-later
"""The Triage tab of Statistics › Endpoints: one row per destination and port.

Wireshark's Endpoints dialog and "tshark -z endpoints,triage" share the tap
listener the plugin registers with register_conversation_table().  Each row
is a connection's responder with its port, Tx = packets it sent, Rx =
packets sent to it.  Expected rows come from tshark's own TCP fields, not
from the plugin: the responder of a TCP connection is the receiver of its
SYN, and every packet of the stream is counted by its direction.
"""
import collections
import glob
import os

from harness import SOURCE_DIR, SandboxTestCase, main

LAB = os.path.join(SOURCE_DIR, "samples", "lab", "captures")


def endpoint_rows(text):
    """(address, packets, bytes, tx packets, tx bytes, rx packets, rx bytes) of each row."""
    rows = []
    for line in text.splitlines():
        words = line.split()
        if len(words) == 7 and all(word.isdigit() for word in words[1:]):
            rows.append((words[0],) + tuple(int(word) for word in words[1:]))
    return sorted(rows)


class EndpointsTab(SandboxTestCase):
    def expected(self, capture):
        fields = ["tcp.stream", "tcp.flags.syn", "tcp.flags.ack", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                  "tcp.srcport", "tcp.dstport", "frame.len"]
        packets = self.sandbox.fields(capture, fields, display_filter="tcp && !icmp && !icmpv6")
        servers = {}
        for stream, syn, ack, src4, src6, dst4, dst6, sport, dport, _ in packets:
            # tshark prints booleans as 1/0 up to 4.2 and as True/False from 4.4 on
            if syn in ("1", "True") and ack in ("0", "False") and stream not in servers:
                servers[stream] = (dst4 or dst6, int(dport))
        counts = collections.defaultdict(lambda: [0, 0, 0, 0])
        for stream, _, _, src4, src6, dst4, dst6, sport, dport, length in packets:
            if stream not in servers:
                continue
            server = servers[stream]
            sent = (src4 or src6, int(sport)) == server
            counts[server][0 if sent else 2] += 1
            counts[server][1 if sent else 3] += int(length)
        return sorted((address, tx + rx, txb + rxb, tx, txb, rx, rxb)
                      for (address, _), (tx, txb, rx, rxb) in counts.items())

    def test_rows_are_the_destinations_and_ports_of_tcp_connections(self):
        captures = sorted(glob.glob(os.path.join(LAB, "*.pcapng")))
        self.assertTrue(captures)
        for capture in captures:
            with self.subTest(capture=os.path.basename(capture)):
                shown = self.sandbox.tshark(capture, "-q", "-z", "endpoints,triage,tcp && !icmp && !icmpv6").stdout
                self.assertIn("Triage Endpoints", shown)
                expected = self.expected(capture)
                self.assertTrue(expected)
                self.assertEqual(endpoint_rows(shown), expected)


if __name__ == "__main__":
    main()
