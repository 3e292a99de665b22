/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * html_assets.h — the HTML page's stylesheet, script and map, compiled in
 * from report/html/ by cmake/embed.cmake (see CMakeLists.txt).
 */
#ifndef TRIAGE_HTML_ASSETS_H
#define TRIAGE_HTML_ASSETS_H

extern const char triage_html_css[];      /* report/html/report.css */
extern const char triage_html_js[];       /* report/html/report.js */
extern const char triage_html_world_map[]; /* report/html/world-map.json */

#endif
