# SPDX-License-Identifier: GPL-2.0-or-later
"""The tests' tshark sees Wireshark's own plugins and the freshly built
triage.so, never a triage.so installed system-wide (./setup.sh as root
installs one; Wireshark would load it first)."""
import os
import tempfile
import unittest

import harness


def listed_plugins(sandbox):
    """name -> paths, from tshark -G plugins as the tests run it."""
    plugins = {}
    for line in sandbox.run(["-G", "plugins"]).stdout.splitlines():
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) >= 4:
            plugins.setdefault(fields[0], []).append(fields[3])
    return plugins


# This checks the harness, not the plugin's code, and `tshark -G plugins`
# with the ASan runtime preloaded does not finish (with or without triage.so
# installed), so tests/sanitize/run.sh --all leaves it out.
@unittest.skipIf(os.environ.get("TRIAGE_SANITIZED"), "checks the harness; tshark -G plugins hangs under ASan")
class SandboxPlugins(unittest.TestCase):
    def setUp(self):
        self.sandbox = harness.Sandbox()

    def tearDown(self):
        self.sandbox.close()

    def test_the_built_plugin_is_the_only_triage(self):
        plugins = listed_plugins(self.sandbox)
        self.assertEqual(len(plugins.get("triage.so", [])), 1, plugins.get("triage.so"))
        self.assertTrue(plugins["triage.so"][0].startswith(self.sandbox.home), plugins["triage.so"])

    def test_every_stock_plugin_is_still_there(self):
        stock = set()
        for _, _, files in os.walk(harness.system_plugin_folder()):
            stock.update(name for name in files if name.endswith(".so") and name != "triage.so")
        self.assertTrue(stock, "no stock plugins found: is wireshark-common installed?")
        self.assertLessEqual(stock, set(listed_plugins(self.sandbox)))

    def test_an_installed_triage_is_left_out_of_the_mirror(self):
        with tempfile.TemporaryDirectory() as scratch:
            source = os.path.join(scratch, "system", "plugins")
            for folder in ("4.0/epan", "4.0/codecs"):
                os.makedirs(os.path.join(source, folder))
            for name in ("4.0/epan/triage.so", "4.0/epan/mate.so", "4.0/codecs/g711.so", "script.lua"):
                open(os.path.join(source, name), "w").close()
            mirror = harness.mirror_stock_plugins(os.path.join(scratch, "mirror"), source)
            found = sorted(os.path.relpath(os.path.join(folder, name), mirror)
                           for folder, _, files in os.walk(mirror) for name in files)
            self.assertEqual(found, ["4.0/codecs/g711.so", "4.0/epan/mate.so", "script.lua"])
            self.assertEqual(os.readlink(os.path.join(mirror, "4.0/epan/mate.so")),
                             os.path.join(source, "4.0/epan/mate.so"))


if __name__ == "__main__":
    harness.main()
