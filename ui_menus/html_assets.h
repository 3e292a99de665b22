/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * html_assets.h — the HTML page's stylesheet, script and map, compiled in
 * from ui_menus/html/ by cmake/embed.cmake (see CMakeLists.txt).
 */
#ifndef TRIAGE_HTML_ASSETS_H
#define TRIAGE_HTML_ASSETS_H

extern const char triage_html_css[];      /* ui_menus/html/report.css */
extern const char triage_html_js[];       /* ui_menus/html/report.js */
extern const char triage_html_world_map[]; /* ui_menus/html/world-map.json */

#endif
