# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by tests/sanitize/run.sh and tests/damaged/run.sh: how to run the
# stock (uninstrumented) tshark with an ASan/UBSan build of triage.so.
#
# tshark is not built with sanitizers, so their runtimes are preloaded into
# it (ASan first: it must see every allocation).  ASan and LSan reports go to
# log files (log_path) rather than to stderr, where tests would mix them with
# tshark's own messages; sanitizer_check_logs reads them afterwards.  UBSan
# ignores log_path when its runtime is preloaded and writes to stderr; the
# plugin is built with -fno-sanitize-recover, so its first report also ends
# tshark with a non-zero status, which fails the test that ran it.
#
#   sanitizer_setup SOURCE_DIR   makes a folder the unprivileged tshark user
#                                can read and write, with the preloads, the
#                                suppressions and an empty logs/ folder; sets
#                                SANITIZER_DIR, SANITIZER_LOGS,
#                                SANITIZER_PRELOAD and exports ASAN_OPTIONS,
#                                UBSAN_OPTIONS, LSAN_OPTIONS (read only by
#                                processes that carry a sanitizer runtime)
#   sanitizer_check_logs         prints every ASan/LSan report; fails when
#                                there is one
#   sanitizer_verdict NAME FAILED   checks the logs and ends the run: passed,
#                                or FAILED when FAILED is not 0 or a report
#                                was written
#   sanitizer_cleanup            removes the folder

sanitizer_setup() {
    source_dir=$1
    asan_runtime=$(gcc -print-file-name=libasan.so)
    ubsan_runtime=$(gcc -print-file-name=libubsan.so)
    if [ ! -e "$asan_runtime" ] || [ ! -e "$ubsan_runtime" ]; then
        echo "sanitizer runtimes not found (gcc's libasan.so and libubsan.so)" >&2
        return 1
    fi
    # /tmp, not the build tree: a CI clone may sit where nobody cannot enter.
    SANITIZER_DIR=$(mktemp -d /tmp/triage-sanitizer.XXXXXX)
    chmod 755 "$SANITIZER_DIR"
    SANITIZER_LOGS=$SANITIZER_DIR/logs
    mkdir "$SANITIZER_LOGS"
    chmod 1777 "$SANITIZER_LOGS"
    cc -shared -fPIC -O2 -o "$SANITIZER_DIR/keep_modules_loaded.so" \
        "$source_dir/tests/sanitize/keep_modules_loaded.c"
    cp "$source_dir/tests/sanitize/lsan.supp" "$SANITIZER_DIR/lsan.supp"
    chmod 644 "$SANITIZER_DIR/lsan.supp"
    chmod 755 "$SANITIZER_DIR/keep_modules_loaded.so"
    SANITIZER_SOURCE_DIR=$source_dir
    SANITIZER_PRELOAD="$(readlink -f "$asan_runtime") $(readlink -f "$ubsan_runtime") $SANITIZER_DIR/keep_modules_loaded.so"
    # abort_on_error: a finding must change tshark's exit status, so the
    # test that caused it fails too.  detect_leaks: LeakSanitizer at exit.
    # fast_unwind_on_malloc=0: GLib and libwireshark have no frame
    # pointers, so the fast unwinder stops at g_malloc and a leak would not
    # show who called it, the plugin or not.  log_exe_name: tshark's
    # helpers (mmdbresolve, dumpcap) inherit the preload; say whose log.
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:malloc_context_size=30:log_exe_name=1:log_path=$SANITIZER_LOGS/asan"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_exe_name=1:log_path=$SANITIZER_LOGS/ubsan"
    export LSAN_OPTIONS="suppressions=$SANITIZER_DIR/lsan.supp:print_suppressions=0:log_exe_name=1:log_path=$SANITIZER_LOGS/lsan"
}

# A report is ours when a frame names the plugin's file or one of our
# sources, or when a frame cannot be placed at all ("<unknown module>"),
# which keep_modules_loaded.so should make impossible.
sanitizer_report_mentions_plugin() {
    grep -q -e 'triage\.so' -e "$SANITIZER_SOURCE_DIR/" -e '<unknown module>' "$1"
}

sanitizer_check_logs() {
    reports=0
    plugin_reports=0
    for log in "$SANITIZER_LOGS"/*; do
        [ -e "$log" ] || continue
        reports=$((reports + 1))
        if sanitizer_report_mentions_plugin "$log"; then
            plugin_reports=$((plugin_reports + 1))
            echo "=== sanitizer report from the plugin: $(basename "$log") ==="
        else
            echo "=== sanitizer report outside the plugin: $(basename "$log") ==="
            echo "(if it is Wireshark's or a library's own, suppress it in tests/sanitize/lsan.supp with a reason)"
        fi
        cat "$log"
    done
    if [ "$reports" -gt 0 ]; then
        echo "sanitizer: $reports report(s), $plugin_reports of them in the plugin" >&2
        return 1
    fi
    echo "sanitizer: no reports"
}

sanitizer_verdict() {
    name=$1
    failed=$2
    echo "== sanitizer reports =="
    sanitizer_check_logs || failed=1
    if [ "$failed" -ne 0 ]; then
        echo "$name: FAILED" >&2
        exit 1
    fi
    echo "$name: passed"
}

sanitizer_cleanup() {
    [ -n "${SANITIZER_DIR:-}" ] && rm -rf "$SANITIZER_DIR"
}
