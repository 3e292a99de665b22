/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_menus.h — what the user sees, registered by ui_register.c.
 */
#ifndef TRIAGE_UI_MENUS_H
#define TRIAGE_UI_MENUS_H

/* stats_tshark.c: the -z triage reports */
void triage_register_reports(void);
/* stats_gui.c: Statistics › Capture Triage › … text windows */
void triage_register_gui_reports(void);
/* gui_table.c: Statistics › Capture Triage: … tables */
void triage_register_gui_tables(void);
/* gui_endpoints.c: the Triage tab of Endpoints and Conversations */
void triage_register_endpoint_tabs(void);
/* menubar.c: the Capture Triage menu of one-click filters */
void triage_register_menus(void);

#endif
