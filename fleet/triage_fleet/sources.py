# SPDX-License-Identifier: GPL-2.0-or-later
"""Which captures a fleet run covers: files, folders and storage URLs.

Local arguments are capture files or folders (every *.cap, *.pcap, *.pcapng
and their .gz forms directly inside).  URLs come from a file or standard
input, never from the command line (see curl.py): a blob URL with a SAS is
one capture, a container URL with a list-capable SAS is every blob in it.

Azure names the container in the first path segment of
https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB; the emulator and other
path-style endpoints (an IP address or localhost) put the account first:
http://127.0.0.1:10000/ACCOUNT/CONTAINER/BLOB.
"""
import dataclasses
import ipaddress
import os
import urllib.parse
import xml.etree.ElementTree as ElementTree

from . import curl
from .secrets import display_url

CAPTURE_SUFFIXES = (".cap", ".pcap", ".pcapng", ".cap.gz", ".pcap.gz", ".pcapng.gz")


class SourceError(Exception):
    """An input that names no capture; the message is safe to show."""


@dataclasses.dataclass
class Capture:
    name: str          # unique in the run: the file or blob name without its suffix
    location: str      # a path, or the full URL with its SAS (never shown)
    is_url: bool
    etag: str = ""     # a blob's version, for the cache

    @property
    def display(self):
        return display_url(self.location) if self.is_url else self.location


def _stem(path):
    base = os.path.basename(path)
    for suffix in sorted(CAPTURE_SUFFIXES, key=len, reverse=True):
        if base.lower().endswith(suffix):
            return base[:-len(suffix)]
    return base


def local_captures(arguments):
    found = []
    for argument in arguments:
        if os.path.isdir(argument):
            names = sorted(name for name in os.listdir(argument)
                           if name.lower().endswith(CAPTURE_SUFFIXES)
                           and os.path.isfile(os.path.join(argument, name)))
            if not names:
                raise SourceError(f"{argument}: no capture files (*.cap, *.pcap, *.pcapng) in this folder")
            found += [os.path.join(argument, name) for name in names]
        elif os.path.isfile(argument):
            found.append(argument)
        else:
            raise SourceError(f"{argument}: no such file or folder")
    return [(path, False, "") for path in found]


def read_url_list(handle, origin):
    """URLs, one a line; blank lines and # comments skipped."""
    urls = []
    for number, line in enumerate(handle, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parsed = urllib.parse.urlsplit(line)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SourceError(f"{origin}:{number}: not an http(s) URL: {display_url(line)[:200]}")
        urls.append(line)
    return urls


def _path_style(host):
    host = host.split(":")[0].strip("[]")
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _container_path(parsed):
    """The path segments that name account/container, or None for a blob."""
    segments = [segment for segment in parsed.path.split("/") if segment]
    container_depth = 2 if _path_style(parsed.netloc) else 1
    if len(segments) == container_depth:
        return segments
    if len(segments) > container_depth:
        return None
    raise SourceError(f"{display_url(urllib.parse.urlunsplit(parsed))}: names no container")


def blob_name(url):
    """The blob's name inside its container ("vmss/instance_3/capture.cap")."""
    parsed = urllib.parse.urlsplit(url)
    segments = [segment for segment in parsed.path.split("/") if segment]
    depth = 2 if _path_style(parsed.netloc) else 1
    return urllib.parse.unquote("/".join(segments[depth:]))


def list_container(url, page_size=5000):
    """Every blob of the container at URL as (blob URL with the SAS, etag).
    Follows NextMarker, since a listing returns at most page_size blobs."""
    parsed = urllib.parse.urlsplit(url)
    base = urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, parsed.path.rstrip("/"), "", ""))
    sas = parsed.query
    blobs = []
    marker = ""
    while True:
        query = f"restype=container&comp=list&maxresults={page_size}"
        if marker:
            query += "&marker=" + urllib.parse.quote(marker, safe="")
        if sas:
            query += "&" + sas
        try:
            body = curl.get(f"{base}?{query}")
        except curl.CurlError as error:
            raise SourceError(f"{display_url(url)}: listing the container failed: {error.describe()}") from None
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError as error:
            raise SourceError(f"{display_url(url)}: the container listing is not XML ({error})") from None
        for blob in root.iter("Blob"):
            name = blob.findtext("Name") or ""
            etag = blob.findtext("Properties/Etag") or ""
            if name.lower().endswith(CAPTURE_SUFFIXES):
                blob_url = base + "/" + urllib.parse.quote(name) + (("?" + sas) if sas else "")
                blobs.append((blob_url, etag))
        marker = root.findtext("NextMarker") or ""
        if not marker:
            return blobs


def url_captures(urls, page_size=5000):
    found = []
    for url in urls:
        parsed = urllib.parse.urlsplit(url)
        if _container_path(parsed) is not None:
            listed = list_container(url, page_size)
            if not listed:
                raise SourceError(f"{display_url(url)}: the container holds no capture blobs")
            found += [(blob_url, True, etag) for blob_url, etag in listed]
        else:
            found.append((url, True, ""))
    return found


def name_captures(entries):
    """Capture objects with unique names: the stem, or, where two captures
    share a stem, their path (or blob name) with '/' as '__'.  The same file
    or blob given twice is one capture."""
    unique = {}
    for location, is_url, etag in entries:
        identity = display_url(location) if is_url else os.path.realpath(location)
        unique.setdefault(identity, (location, is_url, etag))
    entries = list(unique.values())

    def path_of(location, is_url):
        return blob_name(location) if is_url else os.path.abspath(location)

    stems = [_stem(path_of(location, is_url)) for location, is_url, _ in entries]
    captures = []
    for (location, is_url, etag), stem in zip(entries, stems):
        name = stem
        if stems.count(stem) > 1:
            path = path_of(location, is_url)
            name = "__".join(part for part in os.path.dirname(path).strip("/").split("/") + [stem] if part)
        captures.append(Capture(name=name, location=location, is_url=is_url, etag=etag))
    return captures
