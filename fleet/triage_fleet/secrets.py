# SPDX-License-Identifier: GPL-2.0-or-later
"""Keeps SAS tokens out of everything a person or a log can read.

A shared access signature is the query string of a storage URL.  Every
message, status file and progress line goes through redact(), and URLs are
only ever shown through display_url(), so a token can reach curl (through
its standard input) and nothing else.
"""
import re

# A URL's query, wherever it stands in a text (curl and tshark messages
# may quote a URL).
_QUERY = re.compile(r"(https?://[^\s?#\"']+)\?[^\s#\"']*")
# A bare signature that lost its URL (e.g. quoted from a header).
_SIGNATURE = re.compile(r"(?i)\bsig=[^&\s\"']*")


def display_url(url):
    """The URL without its query: what may be shown and logged."""
    return url.split("?", 1)[0].split("#", 1)[0]


def redact(text):
    if not text:
        return text
    text = _QUERY.sub(lambda match: match.group(1) + "?<SAS hidden>", text)
    return _SIGNATURE.sub("sig=<hidden>", text)
