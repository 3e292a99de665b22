# SPDX-License-Identifier: GPL-2.0-or-later
"""Per-capture results kept between runs, so a re-run only triages what
is new.

A result is valid for one capture content, one plugin build and one set of
options: the key hashes the capture's identity (its bytes for a file; for a
blob its URL without the SAS plus its ETag, which changes with every write),
the triage.so that tshark loads and tshark's version, the -z words, and every
-o preference, with the contents of any file a preference names (a policy
file).  Failures are not kept: a re-run tries them again.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

from .processes import die_with_parent
from .secrets import display_url


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class PluginMissing(Exception):
    pass


def plugin_fingerprint(tshark, for_cache=True):
    """tshark's version and the hash of the triage.so it loads; without
    for_cache only checks that tshark loads the plugin at all."""
    def run(*args):
        return subprocess.run(list(tshark) + list(args), capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, preexec_fn=die_with_parent).stdout

    for line in run("-G", "plugins").splitlines():
        fields = [field.strip() for field in line.split("\t")]
        if fields and fields[0] == "triage.so":
            if not for_cache:
                return {"plugin_version": fields[1]}
            path = fields[-1]
            plugin = file_digest(path) if os.path.isfile(path) else fields[1]
            version = run("--version").splitlines()[:1]
            return {"tshark": version[0] if version else "", "plugin": plugin, "plugin_version": fields[1]}
    raise PluginMissing("tshark does not load the Capture Triage plugin (tshark -G plugins lists no triage.so)")


def settings_fingerprint(settings):
    preferences = []
    for preference in settings.preferences:
        _, _, value = preference.partition(":")
        content = file_digest(value) if value and os.path.isfile(value) else None
        preferences.append([preference, content])
    return {"z": settings.z_argument(), "preferences": preferences}


def capture_identity(capture):
    if capture.is_url:
        return {"url": display_url(capture.location), "etag": capture.etag}
    return {"sha256": file_digest(capture.location)}


class Cache:
    def __init__(self, folder, run_fingerprint):
        self.folder = folder
        self.run_fingerprint = run_fingerprint
        if folder:
            os.makedirs(folder, exist_ok=True)

    def key(self, capture):
        if not self.folder:
            return None
        material = json.dumps({"capture": capture_identity(capture), "name": capture.name,
                               "run": self.run_fingerprint},
                              sort_keys=True)
        return hashlib.sha256(material.encode()).hexdigest()

    def _path(self, key):
        return os.path.join(self.folder, key[:2], key + ".json")

    def load(self, key):
        if not self.folder or not key:
            return None
        try:
            with open(self._path(key), encoding="utf-8") as handle:
                return handle.read()
        except OSError:
            return None

    def store_file(self, key, path):
        """Keeps a copy of a document file."""
        if not self.folder or not key:
            return
        target = self._path(key)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".part")
        os.close(handle)
        shutil.copyfile(path, temporary)
        os.replace(temporary, target)

    def store(self, key, document):
        if not self.folder or not key:
            return
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".part")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(document)
        os.replace(temporary, path)
