# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives the real Wireshark GUI for test_gui.py and writes down what it saw.

Runs as the unprivileged user, inside its own D-Bus session (dbus-run-session)
on the X display test_gui.py started, under Debian's python3 (pyatspi is a
Debian package):

    gui_driver.py PLAN.json

It starts wireshark on the plan's capture, works it like a user with the
keyboard and the mouse (xdotool), and reads what the windows show through the
accessibility tree (AT-SPI: Qt exports every widget's text there), the
clipboard through xclip.  It judges nothing: observations.json in the plan's
output folder holds what it read, and test_gui.py compares it with tshark.
A step that fails records its error and a screenshot, and the next step
still runs, so one broken window does not hide the state of the others.
"""
import json
import os
import re
import subprocess
import sys
import time
import traceback

import pyatspi

TIMEOUT = float(os.environ.get("TRIAGE_GUI_TIMEOUT", "120"))  # generous: a loaded CI machine once needed over 60 s for a table
MENU_KEYS = {"Statistics": "alt+s", "Analyze": "alt+a"}
NOTHING_COPIED = "(nothing copied yet)"
# Containers whose children are packets: walking them costs seconds.
HUGE_CONTAINERS = {"Packet list"}
TABLE_WINDOW_SIZE = ("1260", "600")
REPORT_WINDOW_SIZE = ("1260", "760")  # within a 1280x800 screen


# --- X: keyboard, mouse, windows, clipboard, screenshots ----------------------

def run(*command, check=True):
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def keys(*names):
    if names:
        log("keys " + " ".join(names))
        run("xdotool", "key", "--clearmodifiers", "--delay", "60", *names)


def click(x, y):
    run("xdotool", "mousemove", "--sync", str(int(x)), str(int(y)), "click", "1")


def type_text(text):
    run("xdotool", "type", "--delay", "15", text)


def x_window(title_fragment):
    """The X window id of a visible top-level window whose title contains the text."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = run("xdotool", "search", "--onlyvisible", "--name", title_fragment, check=False).split()
        if found:
            return found[-1]
        time.sleep(0.2)
    raise RuntimeError(f"no window titled '{title_fragment}' appeared")


def visible_window_names():
    names = []
    for window in run("xdotool", "search", "--onlyvisible", "--name", ".", check=False).split():
        names.append(run("xdotool", "getwindowname", window, check=False).strip())
    return names


def focus(window):
    run("xdotool", "windowfocus", "--sync", window)
    time.sleep(0.2)


def clipboard():
    return subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True,
                          timeout=10).stdout


def set_clipboard(text):
    # xclip stays in the background as the selection owner until Wireshark
    # takes the clipboard over.
    subprocess.run(["xclip", "-i", "-selection", "clipboard"], input=text, text=True, timeout=10,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def screenshot(path, window="root"):
    run("import", "-window", window, path)
    return path


def visible_windows():
    return set(run("xdotool", "search", "--onlyvisible", "--name", "", check=False).split())


def geometry(window):
    values = dict(line.split("=", 1) for line in run("xdotool", "getwindowgeometry", "--shell", window).split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def popups_since(windows_before):
    """Geometries of the windows mapped since: the menus that opened, outermost first."""
    return [geometry(window) for window in sorted(visible_windows() - windows_before, key=int)]


def save_picture(source, target, crop=None, width=None):
    """Crops, shrinks and quantizes a screenshot: text stays sharp, files stay small."""
    command = ["convert", source]
    if crop:
        x, y, w, h = crop
        command += ["-crop", f"{w}x{h}+{x}+{y}", "+repage"]
    if width:
        command += ["-resize", f"{width}x>"]
    command += ["-strip", "-dither", "None", "-colors", "64", f"PNG8:{target}"]
    run(*command)
    return target


# --- AT-SPI: what the widgets say ---------------------------------------------

LOG = []
STARTED = time.monotonic()


def log(message):
    LOG.append(f"{time.monotonic() - STARTED:7.2f}  {message}")


def wait_until(describe, probe, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    last_error = None
    log(f"waiting for {describe}")
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                log(f"  done: {describe}")
                return value
        except Exception as error:  # a widget may vanish between two calls
            last_error = error
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {describe}" + (f" ({last_error})" if last_error else ""))


def wireshark_application():
    def probe():
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            application = desktop.getChildAtIndex(index)
            if application is not None and application.name == "Wireshark":
                return application
        return None
    return wait_until("Wireshark on the accessibility bus", probe, timeout=60)


def find(root, predicate):
    """Depth-first search that does not descend into the packet list."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        try:
            if predicate(node):
                return node
            if node.name in HUGE_CONTAINERS:
                continue
            stack.extend(node.getChildAtIndex(i) for i in reversed(range(node.childCount)))
        except Exception:
            continue
    return None


# Qt 5 (Wireshark 4.0) calls a button "push button", Qt 6 (4.4 and later) "button".
ROLE_NAMES = {"push button": ("push button", "button"),
              # a dialog the bus learnt of late may be listed as a plain window
              "dialog": ("dialog", "window")}


def named(role, name):
    roles = ROLE_NAMES.get(role, (role,))
    return lambda node: node.getRoleName() in roles and node.name == name


def text_of(node):
    text = node.queryText()
    return text.getText(0, text.characterCount)


def extents(node):
    box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    return box.x, box.y, box.width, box.height


def header_cell(view, column):
    return view.queryTable().getColumnHeader(column)


def read_table(view):
    """A Qt item view's headings and rows, through the accessible table."""
    view.clear_cache()
    table = view.queryTable()
    headings = [table.getColumnHeader(column).name for column in range(table.nColumns)]
    rows = [[table.getAccessibleAt(row, column).name for column in range(table.nColumns)]
            for row in range(table.nRows)]
    return {"headings": headings, "rows": rows}


def press(node):
    node.queryAction().doAction(0)


def top_level(application, title_fragment, role="dialog", index=0, timeout=None):
    def probe():
        # the bus may have missed the new window while Wireshark was busy
        application.clear_cache()
        matches = [application.getChildAtIndex(i) for i in range(application.childCount)]
        matches = [node for node in matches
                   if node is not None and node.getRoleName() in ROLE_NAMES.get(role, (role,))
                   and title_fragment in node.name]
        return matches[index] if -len(matches) <= index < len(matches) else None
    return wait_until(f"a {role} titled '{title_fragment}'", probe, **({"timeout": timeout} if timeout else {}))


def wait_for_new(describe, read, old):
    """Waits until read() returns something non-empty other than old."""
    def probe():
        value = read()
        return value if value and value != old else None
    return wait_until(describe, probe)


def stable(describe, read, settle=3):
    """Waits until read() returns the same non-empty value `settle` times in a row."""
    seen = []

    def probe():
        seen.append(read())
        return len(seen) >= settle and seen[-1] and all(value == seen[-1] for value in seen[-settle:])
    wait_until(describe, probe)
    return seen[-1]


# --- The session ----------------------------------------------------------------

class Session:
    def __init__(self, plan):
        self.plan = plan
        self.out = plan["out"]
        self.observations = {"errors": {}, "screenshots": [], "seconds": {}}

    def path(self, name):
        return os.path.join(self.out, name)

    def step(self, name, function, *args):
        started = time.monotonic()
        try:
            self.observations[name] = function(*args)
        except Exception:
            self.observations["errors"][name] = traceback.format_exc()
            try:
                screenshot(self.path(f"failed-{name}.png"))
            except Exception:
                pass
            keys("Escape", "Escape")
        self.observations["seconds"][name] = round(time.monotonic() - started, 1)

    def picture(self, name, source, crop=None):
        if not self.plan.get("screenshots"):
            return
        save_picture(source, self.path(name), crop)
        self.observations["screenshots"].append(name)

    # -- start and stop

    def start(self):
        environment = dict(os.environ, QT_ACCESSIBILITY="1", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
        log = open(self.path("wireshark.log"), "w")
        self.wireshark = subprocess.Popen(["wireshark", "-r", self.plan["capture"]], env=environment,
                                          stdout=log, stderr=subprocess.STDOUT)
        try:
            self.main_window = x_window(os.path.basename(self.plan["capture"]))
        except RuntimeError as error:
            # Say why: Wireshark gone, or showing some other window.
            log.flush()
            state = "still running" if self.wireshark.poll() is None else f"exited {self.wireshark.returncode}"
            with open(self.path("wireshark.log"), errors="replace") as output:
                printed = output.read()[-3000:]
            raise RuntimeError(f"{error}; Wireshark is {state}; visible windows: {visible_window_names()}; "
                               f"its output:\n{printed}") from None
        self.application = wireshark_application()
        self.main = top_level(self.application, os.path.basename(self.plan["capture"]), role="frame")
        status = self.status_text()
        self.observations["status_after_load"] = status
        return status

    def stop(self):
        if self.wireshark.poll() is None:
            self.wireshark.terminate()
            try:
                self.wireshark.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.wireshark.kill()
        self.observations["wireshark_exit"] = self.wireshark.returncode

    def status_text(self):
        if not getattr(self, "status_label", None):
            self.status_label = wait_until("the status bar packet counts", lambda: find(
                self.main, lambda node: node.getRoleName() == "label" and node.name.startswith("Packets:")),
                timeout=60)
        # 4.0 always shows "Packets: N · Displayed: M (…)"; 4.4 and later
        # leave out "Displayed" while no filter is applied
        return wait_until("the packet counts", lambda: re.match(r"Packets: \d+", self.status_label.name)
                          and self.status_label.name)

    def display_filter_field(self):
        """The display filter bar's text field.  The main window holds other,
        hidden, fields named "Display filter entry" (the search bar's, the
        column and filter-button editors'), and 4.4 and later leave the
        toolbar unnamed: the bar's field is the one inside the "Display
        filter selector" combo box, on 4.0 as on 4.4 and 4.6."""
        if not getattr(self, "filter_field", None):
            def probe():
                combo = find(self.main, named("combo box", "Display filter selector"))
                return combo and find(combo, lambda node: node.getRoleName() in ("text", "entry"))
            self.filter_field = wait_until("the display filter bar", probe)
        return self.filter_field

    def selected_frame(self):
        """The number of the packet shown in the packet details ("Frame N: …"), or None."""
        try:
            tree = find(self.main, named("tree", "Packet details"))
            tree.clear_cache()
            for index in range(tree.childCount):
                row = tree.getChildAtIndex(index)
                match = row is not None and row.getRoleName() == "table cell" and \
                    re.match(r"Frame (\d+):", row.name)
                if match:
                    return int(match.group(1))
        except Exception:  # the details are being redrawn: their rows vanish under our feet
            pass
        return None

    def go_to(self, dialog, button):
        """Presses a report window's "Go to …" button; returns the packet then selected."""
        before = self.selected_frame()
        press(find(dialog, named("push button", button)))
        # the selection changes at once, unless it was already that packet
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.selected_frame() == before:
            time.sleep(0.2)
        return stable(f"the packet selected by '{button}'", self.selected_frame)

    def menu_bar(self):
        if not getattr(self, "bar", None):
            self.bar = find(self.main, lambda node: node.getRoleName() == "menu bar")
        return self.bar

    # -- menus

    def open_menu(self, path):
        """Opens the menus along path with the keyboard; returns the last popup's items."""
        node = find(self.menu_bar(), named("menu item", path[0]))
        focus(self.main_window)
        keys(MENU_KEYS[path[0]])
        time.sleep(0.4)
        for depth, label in enumerate(path[1:]):
            popup = node.getChildAtIndex(0)
            items = [popup.getChildAtIndex(i) for i in range(popup.childCount)]
            selectable = [item for item in items if item.getRoleName() == "menu item"
                          and item.getState().contains(pyatspi.STATE_ENABLED)]
            position = [item.name for item in selectable].index(label)
            # a popup opens with its first item active
            keys(*["Down"] * position)
            node = selectable[position]
            if depth < len(path) - 2:
                keys("Right")
                time.sleep(0.3)
        return node

    def choose(self, path):
        self.open_menu(path)
        keys("Return")
        time.sleep(0.3)

    def menu_items(self, path):
        node = find(self.menu_bar(), named("menu item", path[0]))
        for label in path[1:]:
            node = find(node.getChildAtIndex(0), named("menu item", label))
        popup = node.getChildAtIndex(0)
        return [popup.getChildAtIndex(i).name for i in range(popup.childCount)
                if popup.getChildAtIndex(i).getRoleName() == "menu item"]

    # -- steps

    def statistics_menu(self):
        entries = self.menu_items(["Statistics"])
        if self.plan.get("screenshots"):
            windows = visible_windows()
            last = self.open_menu(["Statistics", self.plan["reports"][-1]["title"]])
            time.sleep(0.5)
            raw = screenshot(self.path("raw-statistics-menu.png"))
            x, y, width, height = popups_since(windows)[0]
            # the menu bar and the popup's first column, down a few entries
            # past ours (Qt gives menu item extents relative to their popup)
            _, item_y, item_width, item_height = extents(last)
            bottom = y + item_y + 5 * item_height if 0 < item_y < height else y + height
            self.picture("statistics-menu.png", raw, (0, 0, x + min(item_width, width) + 1, bottom))
        keys("Escape", "Escape")
        return entries

    def open_dialog(self, path, title):
        """Chooses a menu entry until its dialog shows.  Keys typed while a
        loaded machine is still drawing the popup can land on a neighbour
        entry; the user would simply try again, and so do we."""
        for attempt in range(3):
            self.choose(path)
            try:
                return top_level(self.application, title, timeout=20)
            except RuntimeError:
                # shown, but not yet on the accessibility bus: wait, do not open a second one
                shown = run("xdotool", "search", "--onlyvisible", "--name", title, check=False).split()
                if shown:
                    # ask the registry afresh: the application's cached children can miss it
                    self.application = wireshark_application()
                    try:  # the newest: an earlier copy may linger in the bus's cache
                        return top_level(self.application, title, index=-1, timeout=20)
                    except RuntimeError:
                        if attempt == 2:
                            raise
                    # never announced on the bus: close it (Escape) and open it again
                    for window in shown:
                        run("xdotool", "windowfocus", "--sync", window, check=False)
                        run("xdotool", "key", "--window", window, "Escape", check=False)
                    time.sleep(1)
                    continue
                if attempt == 2:
                    raise
                keys("Escape", "Escape")  # the menu, or what the stray key opened
                time.sleep(1)

    def report_window(self, report):
        title = report["title"]
        dialog = self.open_dialog(["Statistics", title], title)
        window = x_window(title)
        # as large as a 1280x800 screen allows
        run("xdotool", "windowsize", window, *REPORT_WINDOW_SIZE, "windowmove", window, "10", "20")
        text_widget = find(dialog, lambda node: node.getRoleName() == "text")
        def report_text():
            text = text_of(text_widget)
            return text if text != "Computing…" else None
        text = stable(f"the text of '{title}'", report_text)
        observed = {"window_text": text}
        if report.get("screenshot"):
            observed["zoomed_out"] = self.fit_longest_line(text_widget, text)
        if report.get("scroll_to") and report["scroll_to"] in text:
            self.scroll_to_top(text_widget, text.index(report["scroll_to"]))
        time.sleep(0.3)
        if report.get("screenshot"):
            self.picture(report["screenshot"], screenshot(self.path("raw-" + report["screenshot"]), window))
        observed["clipboard_text"] = self.copy_with(dialog, "Copy")
        observed["clipboard_json"] = self.copy_with(dialog, "Copy as JSON")
        observed["went_to"] = {button: self.go_to(dialog, button) for button in report.get("go_to", [])}
        if report.get("connection_filter"):
            observed.update(self.connection_filter(dialog, text_widget, title, report["connection_filter"]))
        press(find(dialog, named("push button", "Close")))
        wait_until(f"'{title}' to close", lambda: not run("xdotool", "search", "--onlyvisible", "--name", title,
                                                           check=False).strip())
        return observed

    def scroll_to_top(self, text_widget, offset):
        """Turns the mouse wheel until the text at offset is in the window's first lines."""
        x, y, width, height = extents(text_widget)
        reader = text_widget.queryText()
        run("xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2))
        previous = None
        for _ in range(300):
            _, top, _, line = reader.getCharacterExtents(offset, pyatspi.DESKTOP_COORDS)
            if top <= y + 3 * max(line, 1) or top == previous:  # there, or at the end of the text
                return
            previous = top
            run("xdotool", "click", "5")
            time.sleep(0.15)

    def fit_longest_line(self, text_widget, text, limit=4):
        """The window wraps lines wider than it (Wireshark's text windows
        offer no other mode): as a user would, zoom the text out with
        Ctrl+wheel until the longest line fits on one row.  Returns the
        steps taken, or None when it never fitted."""
        lines = text.split("\n")
        longest = max(range(len(lines)), key=lambda index: len(lines[index]))
        start = sum(len(line) + 1 for line in lines[:longest])
        end = start + len(lines[longest]) - 1

        def wrapped():
            reader = text_widget.queryText()
            return reader.getCharacterExtents(start, pyatspi.DESKTOP_COORDS)[1] != \
                reader.getCharacterExtents(end, pyatspi.DESKTOP_COORDS)[1]
        x, y, width, height = extents(text_widget)
        for step in range(limit + 1):
            time.sleep(0.3)
            if not wrapped():
                return step
            if step < limit:
                run("xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2),
                    "keydown", "ctrl", "click", "5", "keyup", "ctrl")
        return None

    def table_dialog(self, table):
        """Opens a statistics table, reads it, sorts it by a column, filters it."""
        title = table["title"]
        dialog = self.open_dialog(["Statistics", title], title)
        x_window(title)
        # within a 1280x800 screen, the size the README's screenshots show
        # (a retried menu may have opened the dialog twice: every copy)
        windows = run("xdotool", "search", "--onlyvisible", "--name", title, check=False).split()
        for window in windows:
            run("xdotool", "windowsize", window, *TABLE_WINDOW_SIZE, "windowmove", window, "10", "40")
        window = windows[-1]
        view = wait_until(f"the table of '{title}'", lambda: find(
            dialog, lambda node: node.getRoleName() in ("tree table", "table", "tree")))
        observed = {"initial": stable(f"the rows of '{title}'", lambda: read_table(view))}
        if table.get("sort_by"):
            header = observed["initial"]["headings"].index(table["sort_by"])
            x, y, width, height = extents(header_cell(view, header))
            click(x + width // 2, y + height // 2)
            observed["sorted"] = stable(f"'{title}' sorted by {table['sort_by']}",
                                        lambda: read_table(view))
        time.sleep(0.3)
        if table.get("screenshot"):
            self.picture(table["screenshot"], screenshot(self.path("raw-" + table["screenshot"]), window))
        if table.get("filter"):
            entry = find(dialog, lambda node: node.getRoleName() in ("text", "entry"))
            # set, not typed: typing opens the filter field's completion popup,
            # which stays up after the dialog closes and swallows the next keys
            entry.queryEditableText().setTextContents(table["filter"])
            before = observed["initial"]
            press(find(dialog, named("push button", "Apply")))
            observed["filtered"] = stable(f"'{title}' filtered", lambda: (lambda now: now if now != before
                                                                           else None)(read_table(view)))
        self.close_all(title)
        wait_until(f"'{title}' to close", lambda: not run("xdotool", "search", "--onlyvisible", "--name", title,
                                                           check=False).strip())
        return observed

    def endpoint_filter(self, address):
        """Statistics › Endpoints, Triage tab: right-click a destination's row, Apply as Filter › Selected."""
        dialog = self.open_dialog(["Statistics", "Endpoints"], "Endpoints")
        def is_endpoints(node):  # not the list of endpoint types beside it
            return node.getRoleName() in ("tree table", "table", "tree") and \
                node.queryTable().getColumnHeader(0).name == "Address"
        view = wait_until("the Triage endpoints", lambda: find(dialog, is_endpoints))
        table = stable("the Triage endpoint rows", lambda: read_table(view))
        row = next(index for index, cells in enumerate(table["rows"]) if cells[0] == address)
        x, y, width, height = extents(view.queryTable().getAccessibleAt(row, 0))
        click(x + width // 2, y + height // 2)
        windows = visible_windows()
        run("xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2), "click", "3")
        menu = wait_until("the row's menu", lambda: popups_since(windows))
        menu_x, menu_y, _, _ = menu[-1]
        # its first entry is the Apply as Filter submenu, whose first entry is "Selected"
        windows = visible_windows()
        click(menu_x + 40, menu_y + 12)
        submenu = wait_until("the Apply as Filter submenu", lambda: popups_since(windows))
        sub_x, sub_y, _, _ = submenu[-1]
        entry_field = self.display_filter_field()
        previous = text_of(entry_field)
        click(sub_x + 40, sub_y + 12)
        applied = wait_for_new("the endpoint's filter", lambda: text_of(entry_field), previous)
        time.sleep(0.5)
        status = stable("the status bar", self.status_text)
        self.close_all("Endpoints")
        return {"rows": table, "row": table["rows"][row], "filter": applied, "status": status}

    def close_all(self, title):
        """Closes every dialog with this title: a retried menu may have opened two."""
        for attempt in range(10):
            self.application.clear_cache()
            dialogs = [self.application.getChildAtIndex(index) for index in range(self.application.childCount)]
            dialogs = [node for node in dialogs
                       if node is not None and node.getRoleName() == "dialog" and title in node.name]
            for dialog in dialogs:
                press(find(dialog, named("push button", "Close")))
            time.sleep(0.5)
            windows = run("xdotool", "search", "--onlyvisible", "--name", title, check=False).split()
            if not windows:
                return
            if attempt >= 3:  # not on the accessibility bus: Escape closes a dialog too
                for window in windows:
                    run("xdotool", "windowfocus", "--sync", window, check=False)
                    run("xdotool", "key", "--window", window, "Escape", check=False)

    def connection_filter(self, dialog, text_widget, title, connection_filter):
        press(find(dialog, named("push button", "Set filter…")))
        asking = top_level(self.application, title, index=1)
        entry = find(asking, lambda node: node.getRoleName() == "text")
        x, y, width, height = extents(entry)
        click(x + width // 2, y + height // 2)
        type_text(connection_filter)
        keys("Return")
        marker = f"Filter: {connection_filter}\n"

        def filtered_text():
            text = text_of(text_widget)
            return text if marker in text else None
        text = stable(f"'{title}' to show the filtered report", filtered_text)
        return {"filtered_window_text": text, "filtered_clipboard_text": self.copy_with(dialog, "Copy")}

    def copy_with(self, dialog, button):
        set_clipboard(NOTHING_COPIED)
        # xclip takes the selection in the background: until it has, the
        # clipboard still holds the previous copy, which would pass for new.
        wait_until("the clipboard to be cleared", lambda: clipboard() == NOTHING_COPIED)
        press(find(dialog, named("push button", button)))
        return wait_for_new(f"the clipboard after {button}", clipboard, NOTHING_COPIED)

    def one_click_filters(self):
        results = {}
        entries = self.menu_items(["Analyze", "Capture Triage"])
        entry_field = self.display_filter_field()
        for number, label in enumerate(self.plan["one_click"]):
            windows = visible_windows()
            self.open_menu(["Analyze", "Capture Triage", label])
            if number == 0 and self.plan.get("screenshots"):
                time.sleep(0.5)
                raw = screenshot(self.path("raw-analyze-menu.png"))
                right = max(x + width for x, y, width, height in popups_since(windows))
                bottom = max(y + height for x, y, width, height in popups_since(windows))
                self.picture("analyze-menu.png", raw, (0, 0, right, bottom))
            previous = text_of(entry_field)
            keys("Return")
            applied = wait_for_new(f"the filter of '{label}'", lambda: text_of(entry_field), previous)
            time.sleep(0.5)
            results[label] = {"filter": applied, "status": stable("the status bar", self.status_text)}
        return {"entries": entries, "results": results}

    def packet_details(self):
        focus(self.main_window)
        keys("ctrl+g")
        time.sleep(0.3)
        type_text(str(self.plan["details_frame"]))
        keys("Return")
        tree = find(self.main, named("tree", "Packet details"))
        heading = wait_until("the Capture Triage item in the packet details",
                             lambda: find(tree, lambda node: node.getRoleName() == "table cell"
                                          and node.name.strip("[]") == "Capture Triage"))
        frame_line = find(tree, lambda node: node.getRoleName() == "table cell" and node.name.startswith("Frame "))
        frame_line = frame_line.name if frame_line else None
        x, y, width, height = extents(heading)
        click(x + 40, y + height // 2)
        keys("shift+Right")  # View › Expand Subtrees

        def expanded_rows():
            # a loaded machine draws the expanded subtree late
            tree.clear_cache()
            rows = [tree.getChildAtIndex(i) for i in range(tree.childCount)]
            rows = [row for row in rows if row is not None and row.getRoleName() == "table cell"]
            names = [row.name for row in rows]
            below = [index for index, name in enumerate(names) if name.strip("[]") == "Capture Triage"]
            return (rows, names) if below and below[0] < len(names) - 1 else None
        stable("the expanded Capture Triage subtree", lambda: (lambda found: found and found[1])(expanded_rows()))
        rows, names = expanded_rows()
        if self.plan.get("screenshots"):
            raw = screenshot(self.path("raw-packet-details.png"))
            tree_x, tree_y, tree_width, tree_height = extents(tree)
            last_x, last_y, last_width, last_height = extents(rows[-1])
            bottom = min(last_y + last_height + 4, tree_y + tree_height)
            self.picture("packet-details.png", raw, (tree_x, tree_y, tree_width, bottom - tree_y))
        # the cell found above may have been redrawn since: the rows read now are the truth
        frame_line = next((name for name in names if name.startswith("Frame ")), frame_line)
        return {"frame_line": frame_line, "rows": names}

    def io_graph(self):
        dialog = self.open_dialog(["Statistics", "I/O Graphs"], "I/O Graphs")
        window = x_window("I/O Graphs")
        run("xdotool", "windowsize", window, "1000", "640", "windowmove", window, "140", "80")
        time.sleep(3)  # the graph redraws on a timer after the resize

        def graph_row():
            # the graph list fills in after the dialog shows, later on a loaded machine
            self.application.clear_cache()
            return find(dialog, lambda node: node.getRoleName() in ("table cell", "text")
                        and "triage.rtt" in node.name)
        try:
            table = wait_until("the I/O graph of triage.rtt.handshake", graph_row, timeout=30)
        except RuntimeError:
            table = None
        self.picture("io-graph.png", screenshot(self.path("raw-io-graph.png"), window))
        press(find(dialog, named("push button", "Close")))
        return {"graph_row": table.name if table else None}

    def expert_information(self, group):
        """Analyze › Expert Information, Wireshark's own way from a finding to
        its packet: the group (severity, summary) expanded, its first packet
        double-clicked."""
        severity, summary = group
        dialog = self.open_dialog(["Analyze", "Expert Information"], "Expert Information")
        window = x_window("Expert Information")
        run("xdotool", "windowsize", window, *TABLE_WINDOW_SIZE, "windowmove", window, "10", "40")
        view = wait_until("the expert infos", lambda: find(
            dialog, lambda node: node.getRoleName() in ("tree table", "table", "tree")))

        def rows():
            table = read_table(view)
            return table if len(table["rows"]) > 1 else None
        groups = stable("the expert info groups", rows)
        row = next(index for index, cells in enumerate(groups["rows"]) if cells[:2] == [severity, summary])
        x, y, width, height = extents(view.queryTable().getAccessibleAt(row, 1))
        click(x + width // 2, y + height // 2)
        keys("Right")  # expands the group: one row per packet under it
        expanded = stable("the group's packets", lambda: (lambda table: table if len(table["rows"]) >
                                                           len(groups["rows"]) else None)(read_table(view)))
        packet = expanded["rows"][row + 1]
        time.sleep(0.3)
        self.picture("expert-information.png", screenshot(self.path("raw-expert-information.png"), window))
        before = self.selected_frame()
        x, y, width, height = extents(view.queryTable().getAccessibleAt(row + 1, 1))
        run("xdotool", "mousemove", "--sync", str(x + width // 2), str(y + height // 2), "click", "--repeat", "2",
            "--delay", "80", "1")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.selected_frame() == before:
            time.sleep(0.2)
        selected = stable("the packet the expert info selected", self.selected_frame)
        self.close_all("Expert Information")
        return {"groups": groups["rows"], "headings": expanded["headings"], "packet_row": packet,
                "selected_frame": selected}

    def main_window_picture(self):
        # the last one-click filter is still applied: the packet list, the
        # details and the status bar's count as the user sees them
        self.picture("policy-violations.png", screenshot(self.path("raw-main.png"), self.main_window))
        return True


def main():
    with open(sys.argv[1]) as handle:
        plan = json.load(handle)
    session = Session(plan)
    try:
        session.step("start", session.start)
        if "start" not in session.observations["errors"]:
            session.step("statistics_menu", session.statistics_menu)
            for report in plan["reports"]:
                session.step("report " + report["title"], session.report_window, report)
            for table in plan.get("tables", []):
                session.step("table " + table["title"], session.table_dialog, table)
            # before any display filter: with one, the I/O graph adds a graph of it
            session.step("io_graph", session.io_graph)
            if plan.get("expert_group"):
                session.step("expert_information", session.expert_information, plan["expert_group"])
            if plan.get("endpoint"):
                session.step("endpoint_filter", session.endpoint_filter, plan["endpoint"])
            session.step("one_click_filters", session.one_click_filters)
            session.step("packet_details", session.packet_details)
            if plan.get("screenshots"):
                session.step("main_window_picture", session.main_window_picture)
    finally:
        if hasattr(session, "wireshark"):
            session.stop()
        for name in os.listdir(session.out):
            if name.startswith("raw-"):
                os.unlink(session.path(name))
        with open(session.path("driver.log"), "w") as handle:
            handle.write("\n".join(LOG) + "\n")
        with open(session.path("observations.json"), "w") as handle:
            json.dump(session.observations, handle, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
