# SPDX-License-Identifier: GPL-2.0-or-later
"""triage-fleet on captures in blob storage: the Azure Storage emulator
(Azurite, from npm) on loopback, filled with Debian's azure-cli, read
through SAS URLs given on a file or standard input.

A container URL expands to its blobs, page by page; each blob is streamed
into tshark and triaged exactly as the same file on disk.  An expired SAS,
a missing blob and a download cut short are reported with the capture and
the HTTP status or reason.  No SAS signature ever appears in any output.

Azurite is pinned in package.json to 3.35.0: its newer releases require
Node.js 22, and Debian 12 ships Node.js 18 (this machine's Node.js 20 too
is older than 22)."""
import glob
import json
import http.server
import os
import shutil
import subprocess
import threading
import unittest

from fleet_support import HERE, fleet_report, free_port, harness, reports, run_fleet, start, status, stop, tshark_wrapper, \
    wait_for_port

ACCOUNT = "devstoreaccount1"
# Azurite's documented, public development key.
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
SAMPLES = ["clean", "refused", "ipv6", "udp_flows", "mixed"]
FUTURE, PAST = "2099-01-01T00:00Z", "2020-01-01T00:00Z"


def azurite_command():
    program = os.path.join(HERE, "node_modules", ".bin", "azurite-blob")
    if not os.path.exists(program):
        # The emulator is a test dependency: installed from the lock file.
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", HERE], check=True,
                       stdout=subprocess.DEVNULL)
    return program


class ShortBody(http.server.BaseHTTPRequestHandler):
    """Announces a whole capture and sends half of it."""
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("ETag", '"short"')
        self.end_headers()
        self.wfile.write(self.body[:len(self.body) // 2])

    do_HEAD = do_GET

    def log_message(self, *_):
        pass


class FleetFromStorage(harness.SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        program = azurite_command()
        cls.port = free_port()
        data = os.path.join(cls.sandbox.root, "azurite")
        os.makedirs(data)
        cls.azurite = start([program, "--blobHost", "127.0.0.1", "--blobPort", str(cls.port), "--location", data,
                             "--silent"], os.path.join(cls.sandbox.root, "azurite.log"))
        wait_for_port(cls.port, cls.azurite, "azurite-blob")
        cls.endpoint = f"http://127.0.0.1:{cls.port}/{ACCOUNT}"
        cls.connection = (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                          f"BlobEndpoint={cls.endpoint};")
        upload = os.path.join(cls.sandbox.root, "upload")
        generated = os.path.join(harness.SOURCE_DIR, "samples", "generated")
        cls.expected = {}
        for number, name in enumerate(SAMPLES):
            folder = os.path.join(upload, "vmss", f"instance_{number}")
            os.makedirs(folder)
            shutil.copy(os.path.join(generated, name + ".pcap"), os.path.join(folder, "capture.cap"))
            cls.expected[f"vmss__instance_{number}__capture"] = cls.sandbox.json_report(
                os.path.join(generated, name + ".pcap"), f"triage,name=vmss__instance_{number}__capture")
        with open(os.path.join(generated, "mixed.pcap"), "rb") as handle:
            cls.capture_bytes = handle.read()
        cut = os.path.join(upload, "vmss", "instance_9")
        os.makedirs(cut)
        with open(os.path.join(cut, "capture.cap"), "wb") as handle:
            handle.write(cls.capture_bytes[:len(cls.capture_bytes) // 2 + 7])
        cls.az("storage", "container", "create", "--name", "captures")
        cls.az("storage", "blob", "upload-batch", "--destination", "captures", "--source", upload)
        cls.tshark = tshark_wrapper(cls.sandbox)
        cls.secrets = []

    @classmethod
    def tearDownClass(cls):
        stop(cls.azurite)
        super().tearDownClass()

    @classmethod
    def az(cls, *arguments):
        result = subprocess.run(["az"] + list(arguments) + ["--connection-string", cls.connection, "-o", "tsv"],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError(f"az {' '.join(arguments[:3])} failed: {result.stderr[-2000:]}")
        return result.stdout.strip()

    def sas(self, *arguments):
        token = self.az(*arguments)
        signature = [part for part in token.split("&") if part.startswith("sig=")][0]
        self.secrets.append(signature)
        self.secrets.append(signature[4:])
        return token

    def container_sas(self, expiry):
        return self.sas("storage", "container", "generate-sas", "--name", "captures", "--permissions", "rl",
                        "--expiry", expiry)

    def blob_sas(self, blob, expiry):
        return self.sas("storage", "blob", "generate-sas", "--container-name", "captures", "--name", blob,
                        "--permissions", "r", "--expiry", expiry)

    def fleet(self, name, urls, *extra):
        out = os.path.join(self.sandbox.root, name)
        result = run_fleet(["--urls", "-", "--out", out, "--tshark", self.tshark, "--no-cache"] + list(extra),
                           stdin_text="\n".join(urls) + "\n")
        self.assert_no_secret(out, result)
        return out, result

    def assert_no_secret(self, out, result):
        texts = [result.stdout, result.stderr]
        for path in glob.glob(os.path.join(out, "**"), recursive=True):
            if os.path.isfile(path):
                with open(path, encoding="utf-8", errors="replace") as handle:
                    texts.append(handle.read())
        for text in texts:
            self.assertNotIn("sig=", text)
            for secret in self.secrets:
                self.assertNotIn(secret, text)

    def test_container_url_expands_page_by_page(self):
        url = f"{self.endpoint}/captures?{self.container_sas(FUTURE)}"
        out, result = self.fleet("out-container", [url], "--list-page-size", "2")
        self.assertEqual(result.returncode, 2, result.stderr)
        found = reports(out)
        self.assertEqual(found, self.expected)
        rows = status(out)
        self.assertEqual(len(rows), len(SAMPLES) + 1)
        self.assertEqual(rows["vmss__instance_9__capture"]["status"], "failed")
        self.assertIn("cut short", rows["vmss__instance_9__capture"]["error"])
        self.assertTrue(rows["vmss__instance_0__capture"]["source"].startswith(self.endpoint + "/captures/vmss/"))
        # one fleet report of the captures that could be read, in every format
        fleet = json.loads(fleet_report(out))
        per_capture = next(r for r in fleet["reports"] if r["report"] == "captures")["captures"]
        self.assertEqual([row["capture"] for row in per_capture], sorted(self.expected))
        for extension in ("txt", "csv", "html"):
            self.assertIn("vmss__instance_0__capture", fleet_report(out, extension))

    def test_expired_container_sas(self):
        url = f"{self.endpoint}/captures?{self.container_sas(PAST)}"
        out, result = self.fleet("out-expired", [url])
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{self.endpoint}/captures: listing the container failed: HTTP 403", result.stderr)

    def test_blob_urls_expired_missing_and_good(self):
        good = f"{self.endpoint}/captures/vmss/instance_0/capture.cap?{self.blob_sas('vmss/instance_0/capture.cap', FUTURE)}"
        expired = f"{self.endpoint}/captures/vmss/instance_1/capture.cap?{self.blob_sas('vmss/instance_1/capture.cap', PAST)}"
        missing = f"{self.endpoint}/captures/vmss/gone/capture.cap?{self.blob_sas('vmss/gone/capture.cap', FUTURE)}"
        out, result = self.fleet("out-blobs", [good, expired, missing])
        self.assertEqual(result.returncode, 2, result.stderr)
        rows = status(out)
        self.assertEqual(rows["vmss__instance_0__capture"]["status"], "ok")
        self.assertEqual(reports(out), {"vmss__instance_0__capture": self.expected["vmss__instance_0__capture"]})
        self.assertIn("HTTP 403", rows["vmss__instance_1__capture"]["error"])
        self.assertIn("HTTP 404", rows["vmss__gone__capture"]["error"])
        self.assertIn(f"({self.endpoint}/captures/vmss/gone/capture.cap): HTTP 404", result.stderr)

    def test_download_cut_short(self):
        ShortBody.body = self.capture_bytes
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ShortBody)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            self.secrets.append("sig=not-a-real-signature")
            url = f"http://127.0.0.1:{server.server_address[1]}/{ACCOUNT}/captures/short.cap?sv=1&sig=not-a-real-signature"
            out, result = self.fleet("out-short", [url])
        finally:
            server.shutdown()
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("cut short", status(out)["short"]["error"])


if __name__ == "__main__":
    harness.main()
