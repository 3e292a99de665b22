/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keep_modules_loaded.c — a preload that turns dlclose() into a no-op.
 *
 * tshark unloads its plugins (triage.so among them) before it exits, and
 * LeakSanitizer runs after that.  Two things then go wrong: frames inside
 * an unloaded plugin print as "<unknown module>", so a report cannot say
 * whether it is ours; and memory that only the plugin's globals still
 * pointed to looks leaked, because the plugin's data segment is no longer
 * scanned.  Keeping every module mapped until the process ends fixes both
 * and changes nothing else: the modules' memory goes away with the
 * process anyway.
 */
int dlclose(void *handle);

int dlclose(void *handle)
{
    (void)handle;
    return 0;
}
