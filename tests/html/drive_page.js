#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
//
// drive_page.js — opens an HTML report from disk in Debian's chromium
// (headless, network off) and prints, as JSON, what a reader of the page
// sees: the numbers of the header, charts and tables as the DOM shows them,
// every console message and every request the page made, and optionally
// the render time, screenshots and a PDF.  The Python tests compare that
// with the JSON report of the same tshark run (test_html.py).
//
//   node drive_page.js PAGE.html [--screenshots DIR] [--render-runs N] [--pdf FILE]
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArguments(argv) {
    const options = { page: null, screenshots: null, renderRuns: 0, pdf: null, actions: true };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--screenshots')
            options.screenshots = argv[++i];
        else if (argv[i] === '--render-runs')
            options.renderRuns = Number(argv[++i]);
        else if (argv[i] === '--pdf')
            options.pdf = argv[++i];
        else if (argv[i] === '--no-actions')
            options.actions = false;
        else
            options.page = path.resolve(argv[i]);
    }
    if (!options.page)
        throw new Error('usage: drive_page.js PAGE.html [--screenshots DIR] [--render-runs N] [--pdf FILE]');
    return options;
}

// Everything the tests compare, read from the DOM the way a reader sees it:
// the displayed text, with the unformatted value beside it.
function readPage() {
    const text = (node) => (node ? node.textContent.trim() : null);
    const out = { header: {}, kpis: {}, outcomes: {}, servers: [], destinations: [], findings: [], lookups: [], map: {},
        mapUnknown: null, protocols: [], histogramMarkers: [], tables: {} };
    for (const dd of document.querySelectorAll('#header-facts dd'))
        out.header[dd.dataset.field] = { text: text(dd), value: dd.dataset.value === undefined ? null : dd.dataset.value };
    for (const node of document.querySelectorAll('.kpi .value'))
        out.kpis[node.dataset.field] = { text: text(node), value: node.dataset.value };
    for (const node of document.querySelectorAll('g[data-outcome]'))
        out.outcomes[node.dataset.outcome] = { value: Number(node.dataset.value), text: text(node.querySelector('text.value')) };
    for (const node of document.querySelectorAll('g.server-bar'))
        out.servers.push({ server: node.dataset.server, p50: Number(node.dataset.p50), text: text(node.querySelector('text.p50-label')) });
    for (const row of document.querySelectorAll('#destinations tbody tr')) {
        const cell = (key) => row.querySelector(`td[data-key="${key}"]`);
        out.destinations.push({
            address: row.dataset.address, hidden: row.hidden,
            bytes_to: Number(cell('bytes_to').dataset.value), bytes_to_text: text(cell('bytes_to')),
            bytes_from: Number(cell('bytes_from').dataset.value), bytes_from_text: text(cell('bytes_from')),
            connections: Number(cell('connections').dataset.value), connections_text: text(cell('connections')),
            country: cell('country') ? cell('country').dataset.value : null,
        });
    }
    for (const card of document.querySelectorAll('.finding')) {
        const fields = {};
        for (const node of card.querySelectorAll('.counts b'))
            fields[node.dataset.key] = { text: text(node), value: node.dataset.value };
        out.findings.push({ rule: card.dataset.rule, severity: card.closest('[data-severity]').dataset.severity,
            message: text(card.querySelector('.message')), fields });
    }
    for (const card of document.querySelectorAll('.lookup')) {
        const fields = {};
        for (const node of card.querySelectorAll('.counts b'))
            fields[node.dataset.key] = { text: text(node), value: node.dataset.value };
        out.lookups.push({ rule: card.dataset.rule, message: text(card.querySelector('.message')), fields });
    }
    for (const shape of document.querySelectorAll('svg.map path.shaded'))
        out.map[shape.dataset.country] = { bytes: Number(shape.dataset.bytes), fill: shape.getAttribute('fill') };
    const unknown = document.getElementById('map-unknown');
    out.mapUnknown = unknown ? { value: Number(unknown.dataset.value), text: text(unknown) } : null;
    out.mapNone = !!document.getElementById('map-none');
    for (const node of document.querySelectorAll('g[data-protocol]'))
        out.protocols.push({ protocol: node.dataset.protocol, transport: node.dataset.transport,
            bytes: Number(node.dataset.bytes), connections: Number(node.dataset.connections) });
    for (const node of document.querySelectorAll('svg[data-leg] text[data-stat]'))
        out.histogramMarkers.push({ leg: node.closest('svg').dataset.leg, stat: node.dataset.stat, value: Number(node.dataset.value), text: text(node) });
    out.policy = {};
    const policyFacts = document.querySelector('#policy > dl.facts');
    for (const dd of policyFacts ? policyFacts.querySelectorAll(':scope > dd') : [])
        out.policy[dd.dataset.key] = text(dd);
    out.drawn = document.body.dataset.drawn === 'yes';
    out.title = document.title;
    out.scripts = [...document.scripts].map((s) => s.id || 'inline');
    out.bodyText = document.body.innerText;
    return out;
}

async function main() {
    const options = parseArguments(process.argv.slice(2));
    const userDataDir = require('fs').mkdtempSync(path.join(require('os').tmpdir(), 'triage-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: process.env.TRIAGE_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: CHROMIUM_FLAGS,
        offline: true,
        viewport: { width: 1280, height: 900 },
    });
    const result = { console: [], pageErrors: [], requests: [], failedRequests: [], dialogs: [] };
    const url = 'file://' + options.page;
    context.on('request', (request) => {
        result.requests.push(request.url());
    });
    // Anything but the page itself is refused, and recorded above.
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (message) => result.console.push({ type: message.type(), text: message.text() }));
    page.on('pageerror', (error) => result.pageErrors.push(String(error)));
    // An alert() would mean a captured string ran as script.
    page.on('dialog', (dialog) => {
        result.dialogs.push(dialog.message());
        dialog.dismiss();
    });
    page.on('requestfailed', (request) => result.failedRequests.push(request.url()));

    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.drawn === 'yes', null, { timeout: 20000 });
    result.renderMs = await page.evaluate(() => performance.getEntriesByName('charts-drawn')[0].startTime);
    result.firstDestinations = await page.$$eval('#destinations tbody tr', (rows) => rows.length);
    // every destination, to compare with the JSON
    if (await page.$('#show-all-destinations:not([hidden])'))
        await page.click('#show-all-destinations');
    result.dom = await page.evaluate(readPage);
    result.marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]));

    if (options.actions && result.dom.destinations.length > 1) {
        // Sorting: bytes to, descending on the first click.
        await page.click('#destinations th[data-key="bytes_to"]');
        result.sortedBytesTo = await page.$$eval('#destinations tbody tr td[data-key="bytes_to"]', (cells) => cells.map((c) => Number(c.dataset.value)));
        // Filtering: as you type.
        const word = result.dom.destinations[result.dom.destinations.length - 1].address;
        await page.fill('.filter-row input', word);
        result.filter = { word, shown: await page.$$eval('#destinations tbody tr', (rows) => rows.map((r) => r.dataset.address)) };
        await page.fill('.filter-row input', '');
    }

    if (options.screenshots) {
        const shots = [['html-header.png', '#page > h1', '#header-facts'], ['html-rtt.png', '#rtt'], ['html-policy.png', '#policy'],
            ['html-dests.png', '#dests'], ['html-map.png', '.map-block']];
        for (const [name, selector] of shots) {
            const node = await page.$(selector);
            if (node)
                await node.screenshot({ path: path.join(options.screenshots, name) });
        }
        // the top of the page, as it opens
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(options.screenshots, 'html-page.png'), clip: { x: 0, y: 0, width: 1280, height: 1000 } });
        // How the page prints: print stylesheet, in grey.
        await page.emulateMedia({ media: 'print' });
        await page.addStyleTag({ content: 'html { filter: grayscale(1); }' });
        const node = await page.$('#rtt');
        if (node)
            await node.screenshot({ path: path.join(options.screenshots, 'html-print-grayscale.png') });
        await page.emulateMedia({ media: 'screen' });
    }
    if (options.pdf) {
        await page.emulateMedia({ media: 'print' });
        await page.pdf({ path: options.pdf, format: 'A4', printBackground: true });
    }

    // Render time: navigationStart to performance.mark('charts-drawn'), a
    // fresh page each run, the browser already started.
    result.renderRuns = [];
    for (let run = 0; run < options.renderRuns; run++) {
        const fresh = await context.newPage();
        await fresh.goto(url, { waitUntil: 'load' });
        await fresh.waitForFunction(() => document.body.dataset.drawn === 'yes', null, { timeout: 60000 });
        result.renderRuns.push(await fresh.evaluate(() => performance.getEntriesByName('charts-drawn')[0].startTime));
        await fresh.close();
    }
    await context.close();
    require('fs').rmSync(userDataDir, { recursive: true, force: true });
    process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error) => {
    process.stderr.write(String(error && error.stack || error) + '\n');
    process.exit(1);
});
