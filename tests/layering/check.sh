#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The layering docs/ARCHITECTURE.md describes, checked on the sources:
#   - tap/, report/ and summary/ (the epan-free engines library), and the
#     fleet merge (fleet/merge/) include nothing of
#     Wireshark: they build and are tested without it;
#   - plugin/ (the protocol) includes nothing from ui_menus/ (the user
#     interface registers itself);
#   - reports read the session through the "triage" tap and const pointers:
#     no last-frame getters, no listener counter, no engine "finish".
set -eu
cd "$(dirname "$0")/../.."
failed=0
fail() { echo "layering: $*" >&2; failed=1; }

for file in tap/*.[ch] report/*.[ch] summary/*.[ch] fleet/merge/*.[ch]; do
    if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](epan|wsutil|wiretap|ui)/' "$file"; then
        fail "$file includes Wireshark (tap/ and report/ must build without it: so must summary/ and fleet/merge/)"
    fi
done
ui_headers=$(cd ui_menus && ls *.h)
for file in plugin/*.[ch] glue/*.[ch]; do
    for header in $ui_headers; do
        if grep -n "#include \"$header\"" "$file"; then
            fail "$file includes ui_menus/$header (the protocol side must not know the user interface)"
        fi
    done
done
if grep -rnE 'triage_glue_last_frame|report_listener_(added|removed)|reports_active|engine_finish' \
        tap report glue plugin ui_menus; then
    fail "a report reaches the capture outside the triage tap"
fi
[ "$failed" -eq 0 ] && echo "layering: tap/, report/, summary/ and fleet/merge/ free of Wireshark; plugin/ and glue/ free of ui_menus/"
exit "$failed"
