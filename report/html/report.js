// SPDX-License-Identifier: GPL-2.0-or-later
//
// report.js — draws the HTML report (report_html.c embeds this file).
//
// Everything on the page comes from one JSON document, the one
// "-z triage,format=json" prints, embedded in the JSON script element
// "triage-data".
// Values enter the DOM only as text (textContent, setAttribute), never as
// markup, so a captured string cannot become HTML.  Charts are inline SVG
// drawn here, with no library.  Tables render every column the document
// has: a column a report builder adds appears without a change here.
//
// For tests, each number shown also sits unformatted in a data-value
// attribute beside it, and performance.mark('charts-drawn') ends the work.
'use strict';

(function () {
    const SVG_NS = 'http://www.w3.org/2000/svg';
    performance.mark('script-start');
    const documentData = JSON.parse(document.getElementById('triage-data').textContent);
    const worldMap = JSON.parse(document.getElementById('triage-world-map').textContent);
    const page = document.getElementById('page');
    const reports = {};
    for (const report of documentData.reports)
        reports[report.report] = report;

    // ---- Small helpers ----------------------------------------------------

    function element(tag, attributes, ...children) {
        const node = document.createElement(tag);
        setAttributes(node, attributes);
        for (const child of children) {
            if (child === null || child === undefined)
                continue;
            node.append(child instanceof Node ? child : String(child));
        }
        return node;
    }

    function svgElement(tag, attributes, text) {
        const node = document.createElementNS(SVG_NS, tag);
        setAttributes(node, attributes);
        if (text !== undefined)
            node.textContent = String(text);
        return node;
    }

    function setAttributes(node, attributes) {
        for (const [name, value] of Object.entries(attributes || {})) {
            if (value !== null && value !== undefined)
                node.setAttribute(name, String(value));
        }
    }

    const integerFormat = new Intl.NumberFormat('en-US');
    const isTimestamp = (value) => typeof value === 'string' && /^-?\d+\.\d{9}$/.test(value);
    const isTable = (value) => Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null;
    const isRecord = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

    function formatInteger(value) {
        return integerFormat.format(value);
    }

    // Durations are seconds in the JSON; milliseconds with microsecond
    // precision read best for handshakes (the text report's precision).
    function formatDuration(seconds) {
        return (seconds * 1000).toFixed(3) + ' ms';
    }

    function formatBytes(bytes) {
        const units = ['B', 'kB', 'MB', 'GB', 'TB'];
        let value = bytes, unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 2 : 1)) + ' ' + units[unit];
    }

    function formatTimestamp(text) {
        const [seconds, fraction] = text.split('.');
        const date = new Date(Number(seconds) * 1000);
        if (Number.isNaN(date.getTime()))
            return text;
        return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') + '.' + fraction.slice(0, 6) + ' UTC';
    }

    const HEADINGS = { asn: 'AS', p50: 'P50', p90: 'P90', p99: 'P99', syn_synack: 'SYN→SYN/ACK', synack_ack: 'SYN/ACK→ACK',
        bytes_to: 'Bytes to', bytes_from: 'Bytes from', up_to: 'Up to' };

    function humanize(key) {
        if (HEADINGS[key])
            return HEADINGS[key];
        const text = key.replace(/_/g, ' ');
        return text.charAt(0).toUpperCase() + text.slice(1);
    }

    // Keys of the RTT report that hold durations in seconds.
    const DURATION_KEYS = new Set(['min', 'p50', 'p90', 'p99', 'max', 'handshake', 'syn_synack', 'synack_ack',
        'setup', 'above', 'up_to']);

    // One cell's text, and whether it is a number (right-aligned).
    function formatValue(key, value, durations) {
        if (value === null || value === undefined)
            return { text: '', numeric: false };
        if (typeof value === 'boolean')
            return { text: value ? 'yes' : 'no', numeric: false };
        if (typeof value === 'number') {
            if (durations && DURATION_KEYS.has(key))
                return { text: formatDuration(value), numeric: true };
            // Identifiers (ports, streams, frames) read without grouping.
            const identifier = /(^|_)(port|stream|frame|bucket|line)$/.test(key);
            return { text: Number.isInteger(value) && !identifier ? formatInteger(value) : String(value), numeric: true };
        }
        if (isTimestamp(value))
            return { text: formatTimestamp(value), numeric: false };
        if (Array.isArray(value) && value.every((v) => typeof v === 'number'))
            return { text: value.join(', '), numeric: false };
        return { text: String(value), numeric: false };
    }

    function rawValue(value) {
        if (value === null || value === undefined)
            return '';
        return Array.isArray(value) ? value.join(',') : String(value);
    }

    // ---- Generic tables ----------------------------------------------------

    function columnsOf(rows) {
        const keys = [];
        for (const row of rows) {
            for (const key of Object.keys(row)) {
                if (!keys.includes(key))
                    keys.push(key);
            }
        }
        return keys;
    }

    function valueCell(key, value, options) {
        if (isTable(value) || (Array.isArray(value) && value.length === 0 && options.nestedKeys && options.nestedKeys.has(key)))
            return element('td', { 'data-key': key }, value.length ? nestedTable(key, value, options) : '');
        if (isRecord(value))
            return element('td', { 'data-key': key }, recordList(value, options));
        const { text, numeric } = formatValue(key, value, options.durations);
        const classes = [numeric ? 'num' : '', /address|client|server/.test(key) ? 'addr' : ''].join(' ').trim();
        return element('td', { class: classes || null, 'data-key': key, 'data-value': rawValue(value) }, text);
    }

    function nestedTable(key, rows, options) {
        const table = dataTable(rows, Object.assign({}, options, { sortable: false, name: key }));
        table.classList.add('nested');
        const details = element('details', { open: rows.length <= 5 ? '' : null },
            element('summary', null, `${humanize(key)} (${formatInteger(rows.length)})`), table);
        return details;
    }

    // A folded part whose content is made when it is first opened (or
    // printed): the page draws fast whatever the folded tables hold.
    function lazyDetails(summary, build, attributes) {
        const details = element('details', attributes || null, element('summary', null, summary));
        details.addEventListener('toggle', () => {
            if (details.open && details.children.length === 1)
                details.append(build());
        });
        return details;
    }

    function recordList(record, options) {
        const list = element('dl', { class: 'facts' });
        for (const [key, value] of Object.entries(record)) {
            const cell = valueCell(key, value, options);
            const dd = element('dd', { 'data-key': key, 'data-value': cell.getAttribute('data-value') });
            dd.append(...cell.childNodes);
            // Every line of a header has a value, as in the text report.
            if (dd.textContent.trim() === '')
                dd.textContent = '(none)';
            list.append(element('dt', null, humanize(key)), dd);
        }
        return list;
    }

    function dataTable(rows, options) {
        const columns = options.columns || columnsOf(rows);
        const table = element('table', { class: 'data', 'data-table': options.name || null });
        const head = element('tr');
        for (const key of columns) {
            const numeric = rows.some((row) => typeof row[key] === 'number');
            head.append(element('th', { class: numeric ? 'num' : null, 'data-key': key, scope: 'col' },
                (options.headings && options.headings[key]) || humanize(key)));
        }
        table.append(element('thead', null, head));
        const body = element('tbody');
        for (const row of rows) {
            const tr = element('tr');
            for (const key of columns)
                tr.append(valueCell(key, row[key], options));
            body.append(tr);
        }
        table.append(body);
        if (options.sortable)
            makeSortable(table, rows, columns, (sorted) => {
                body.replaceChildren(...sorted.map((row) => row.__tr));
            });
        rows.forEach((row, i) => Object.defineProperty(row, '__tr', { value: body.children[i], configurable: true }));
        return element('div', { class: 'scroll' }, table);
    }

    function compareValues(a, b) {
        if (a === b)
            return 0;
        if (a === null || a === undefined)
            return 1;
        if (b === null || b === undefined)
            return -1;
        if (typeof a === 'number' && typeof b === 'number')
            return a - b;
        if (Array.isArray(a) || Array.isArray(b))
            return (Array.isArray(a) ? a.length : 0) - (Array.isArray(b) ? b.length : 0);
        return String(a).localeCompare(String(b), 'en', { numeric: true });
    }

    // Click a heading to sort by it; again to reverse.  Nulls stay last.
    function makeSortable(table, rows, columns, redraw) {
        const inner = table.tagName === 'TABLE' ? table : table.querySelector('table');
        inner.classList.add('sortable');
        const headings = inner.querySelectorAll('thead th');
        headings.forEach((th, index) => {
            th.setAttribute('tabindex', '0');
            const sort = () => {
                const key = columns[index];
                const descending = th.getAttribute('aria-sort') !== 'descending';
                headings.forEach((other) => other.removeAttribute('aria-sort'));
                th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
                const sorted = rows.slice().sort((x, y) => {
                    const nullX = x[key] === null || x[key] === undefined, nullY = y[key] === null || y[key] === undefined;
                    if (nullX || nullY)
                        return nullX - nullY;
                    const order = compareValues(x[key], y[key]);
                    return descending ? -order : order;
                });
                redraw(sorted);
            };
            th.addEventListener('click', sort);
            th.addEventListener('keydown', (event) => {
                if (event.key === 'Enter' || event.key === ' ')
                    sort();
            });
        });
    }

    // Any table of a report: LIST (array of objects), RECORD (object), KEYED
    // (object of objects), VALUES (array), SCALAR (plain value).
    function genericTable(report, key, value) {
        const durations = report.report === 'rtt';
        const options = { durations, sortable: true, name: key };
        const block = element('div', { class: 'generic', 'data-table': key });
        block.append(element('h3', null, humanize(key)));
        if (value === null || value === undefined) {
            block.append(element('p', { class: 'note' }, 'none'));
        } else if (Array.isArray(value)) {
            if (value.length === 0)
                block.append(element('p', { class: 'note' }, '(none)'));
            else if (isTable(value))
                block.append(dataTable(value, options));
            else
                block.append(element('ul', null, ...value.map((v) => element('li', { 'data-value': rawValue(v) }, formatValue(key, v, durations).text))));
        } else if (isRecord(value)) {
            const keyed = Object.values(value).every(isRecord) && Object.keys(value).length > 0;
            if (keyed) {
                const rows = Object.entries(value).map(([name, row]) => Object.assign({ [key]: name }, row));
                block.append(dataTable(rows, options));
            } else {
                block.append(recordList(value, options));
            }
        } else {
            block.append(element('p', { 'data-value': rawValue(value) }, formatValue(key, value, durations).text));
        }
        return block;
    }

    // ---- SVG chart pieces --------------------------------------------------

    // Fill patterns for black-and-white legibility.
    function patterns(svg) {
        const defs = svgElement('defs');
        const hatch = svgElement('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
        hatch.append(svgElement('rect', { width: 6, height: 6, fill: '#fff' }), svgElement('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#333', 'stroke-width': 2 }));
        const dense = svgElement('pattern', { id: 'hatch-dense', width: 4, height: 4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(-45)' });
        dense.append(svgElement('rect', { width: 4, height: 4, fill: '#fff' }), svgElement('line', { x1: 0, y1: 0, x2: 0, y2: 4, stroke: '#111', 'stroke-width': 2 }));
        defs.append(hatch, dense);
        svg.append(defs);
    }

    // Drawn at its own size at most, so labels keep their size.
    function newChart(width, height, label) {
        const svg = svgElement('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label,
            style: `max-width: ${width}px` });
        patterns(svg);
        return svg;
    }

    function figure(caption, ...content) {
        return element('figure', { class: 'chart' }, element('figcaption', null, caption), ...content);
    }

    // Horizontal bars with the label left and the value right of each bar.
    function barChart(items, options) {
        const rowHeight = 20, labelWidth = options.labelWidth || 200, valueWidth = options.valueWidth || 150, width = 760;
        const height = items.length * rowHeight + 8;
        const svg = newChart(width, height, options.label);
        const max = Math.max(1, ...items.map((item) => item.value));
        const span = width - labelWidth - valueWidth - 10;
        items.forEach((item, i) => {
            const y = 4 + i * rowHeight;
            const group = svgElement('g', Object.assign({ class: 'bar-row' }, item.attributes || {}));
            group.append(svgElement('text', { x: labelWidth - 6, y: y + 13, 'text-anchor': 'end' }, item.label));
            const barWidth = Math.max(item.value > 0 ? 1 : 0, span * item.value / max);
            group.append(svgElement('rect', { x: labelWidth, y: y + 3, width: barWidth, height: rowHeight - 7, class: item.bad ? 'bad' : 'bar-dark' }));
            group.append(svgElement('text', { x: labelWidth + barWidth + 6, y: y + 13, class: 'value' }, item.valueText));
            svg.append(group);
        });
        return svg;
    }

    // ---- Header -------------------------------------------------------------

    function drawHeader() {
        const any = documentData.reports[0];
        const facts = element('dl', { class: 'facts', id: 'header-facts' });
        const fact = (label, text, field, value) => {
            facts.append(element('dt', null, label), element('dd', { 'data-field': field, 'data-value': value === undefined ? null : rawValue(value) }, text));
        };
        if (any) {
            const capture = any.capture;
            // Absent in documents written before the name existed.
            if (capture.name !== undefined && capture.name !== null)
                fact('Capture', capture.name, 'name', capture.name);
            fact('Packets', formatInteger(capture.packets), 'packets', capture.packets);
            if (capture.first !== null) {
                const span = Number(capture.last) - Number(capture.first);
                fact('Time span', `${formatTimestamp(capture.first)} to ${formatTimestamp(capture.last)} (${span.toFixed(3)} s)`, 'span', span.toFixed(9));
            } else {
                fact('Time span', 'no packets', 'span');
            }
            fact('Connection filter', any.filter === null ? 'none (every connection)' : any.filter, 'filter', any.filter);
        }
        if (reports.rtt)
            fact('Capture point', reports.rtt.capture_point === null ? 'unknown' : reports.rtt.capture_point, 'capture_point', reports.rtt.capture_point);
        fact('Capture Triage', documentData.version === null ? 'unknown' : documentData.version, 'version', documentData.version);
        if (any && any.wireshark !== undefined)
            fact('Wireshark', any.wireshark, 'wireshark', any.wireshark);
        page.append(facts);
        const nav = element('nav', { class: 'sections' });
        const titles = { rtt: 'Handshake RTT', policy: 'Policy', dests: 'Destinations' };
        for (const report of documentData.reports)
            nav.append(element('a', { href: '#' + report.report }, titles[report.report] || humanize(report.report)));
        page.append(nav);
    }

    // ---- Handshake RTT ------------------------------------------------------

    const LEG_TITLES = {
        handshake: 'Handshake (SYN→SYN/ACK + SYN/ACK→ACK)',
        syn_synack: 'SYN → SYN/ACK (server side)',
        synack_ack: 'SYN/ACK → ACK (client side)',
        setup: 'Setup (first SYN → ACK, retransmissions included)',
    };

    // Log-time histogram with its CDF.  The report's buckets are 1 % wide;
    // for the eye they are summed into 20 bins per decade.
    function histogramChart(leg, buckets, stats, range) {
        const width = 560, height = 230, left = 46, right = 46, top = 12, bottom = 34;
        const svg = newChart(width, height, `Histogram and CDF of ${leg}`);
        svg.setAttribute('data-leg', leg);
        const plotWidth = width - left - right, plotHeight = height - top - bottom;
        const [lo, hi] = range; // log10 seconds
        const x = (log) => left + (log - lo) / (hi - lo) * plotWidth;
        const BINS_PER_DECADE = 20;
        const bins = new Map();
        let zero = 0, total = 0;
        for (const bucket of buckets) {
            total += bucket.count;
            if (bucket.bucket === null) {
                zero += bucket.count;
                continue;
            }
            const bin = Math.floor(Math.log10(bucket.up_to) * BINS_PER_DECADE);
            bins.set(bin, (bins.get(bin) || 0) + bucket.count);
        }
        const maxBin = Math.max(1, ...bins.values());
        // axes and decade grid
        const grid = svgElement('g', { class: 'grid' });
        const axis = svgElement('g', { class: 'axis' });
        const labels = ['1 ns', '10 ns', '100 ns', '1 µs', '10 µs', '100 µs', '1 ms', '10 ms', '100 ms', '1 s', '10 s', '100 s', '1000 s'];
        for (let decade = Math.ceil(lo); decade <= Math.floor(hi); decade++) {
            grid.append(svgElement('line', { x1: x(decade), x2: x(decade), y1: top, y2: top + plotHeight }));
            axis.append(svgElement('text', { x: x(decade), y: height - bottom + 14, 'text-anchor': 'middle' }, labels[decade + 9] || `1e${decade} s`));
        }
        axis.append(svgElement('line', { x1: left, x2: left + plotWidth, y1: top + plotHeight, y2: top + plotHeight }));
        axis.append(svgElement('line', { x1: left, x2: left, y1: top, y2: top + plotHeight }));
        axis.append(svgElement('line', { x1: left + plotWidth, x2: left + plotWidth, y1: top, y2: top + plotHeight }));
        axis.append(svgElement('text', { x: left - 4, y: top + 8, 'text-anchor': 'end' }, formatInteger(maxBin)));
        axis.append(svgElement('text', { x: left - 4, y: top + plotHeight, 'text-anchor': 'end' }, '0'));
        axis.append(svgElement('text', { x: left + plotWidth + 4, y: top + 8 }, '100 %'));
        axis.append(svgElement('text', { x: left + plotWidth + 4, y: top + plotHeight }, '0 %'));
        axis.append(svgElement('text', { x: left + plotWidth / 2, y: height - 4, 'text-anchor': 'middle' }, 'time (log scale) — bars: connections, line: cumulative share'));
        svg.append(grid, axis);
        const histogram = svgElement('g', { class: 'histogram' });
        for (const [bin, count] of [...bins.entries()].sort((a, b) => a[0] - b[0])) {
            const x0 = x(bin / BINS_PER_DECADE), x1 = x((bin + 1) / BINS_PER_DECADE);
            const h = count / maxBin * plotHeight;
            histogram.append(svgElement('rect', { class: 'hist', x: x0, y: top + plotHeight - h, width: Math.max(1, x1 - x0), height: h, 'data-count': count }));
        }
        svg.append(histogram);
        // CDF at each bucket's upper bound
        let cumulative = zero;
        const y = (count) => top + plotHeight - count / Math.max(1, total) * plotHeight;
        const points = [[x(lo), y(cumulative)]];
        for (const bucket of buckets) {
            if (bucket.bucket === null)
                continue;
            points.push([x(Math.log10(bucket.above)), y(cumulative)]);
            cumulative += bucket.count;
            points.push([x(Math.log10(bucket.up_to)), y(cumulative)]);
        }
        if (total > 0) {
            points.push([x(hi), top]);
            svg.append(svgElement('path', { class: 'cdf', d: 'M' + points.map((p) => `${p[0].toFixed(1)} ${p[1].toFixed(1)}`).join('H').replace(/H/g, 'L') }));
        }
        // percentile markers, labelled directly
        if (stats && stats.count > 0) {
            // p50 labelled left of its line, p90 right of its own: they are often close
            for (const [name, preferred] of [['p50', -1], ['p90', 1]]) {
                const value = stats[name];
                if (value === null || value <= 0)
                    continue;
                const px = x(Math.log10(value));
                // a label that would leave the plot goes to the other side
                const side = preferred > 0 && px > left + plotWidth - 110 ? -1 : preferred < 0 && px < left + 110 ? 1 : preferred;
                svg.append(svgElement('line', { class: 'marker', x1: px, x2: px, y1: top, y2: top + plotHeight }));
                svg.append(svgElement('text', { x: px + 4 * side, y: top + 12 + (name === 'p90' ? 14 : 0), 'text-anchor': side < 0 ? 'end' : 'start',
                    class: 'marker-label', 'data-stat': name, 'data-value': value }, `${name} ${formatDuration(value)}`));
            }
        }
        if (zero > 0)
            svg.append(svgElement('text', { x: left + 4, y: top + plotHeight - 4 }, `${formatInteger(zero)} at 0 or less`));
        if (total === 0)
            svg.append(svgElement('text', { x: left + plotWidth / 2, y: top + plotHeight / 2, 'text-anchor': 'middle' }, 'no times measured'));
        return svg;
    }

    function drawRtt(report, section, used) {
        used.add('connections').add('stats').add('histogram').add('servers').add('slowest').add('longest_setup').add('capture_point');
        const connections = report.connections || {};
        const kpis = element('div', { class: 'kpis' });
        const kpi = (label, value, field, display) => kpis.append(element('div', { class: 'kpi' },
            element('span', { class: 'label' }, label), element('span', { class: 'value', 'data-field': field, 'data-value': rawValue(value) }, display !== undefined ? display : formatInteger(value))));
        kpi('TCP connections', connections.total, 'rtt.total');
        kpi('Completed', connections.completed, 'rtt.completed');
        const stats = report.stats || {};
        if (stats.handshake && stats.handshake.count > 0) {
            kpi('Handshake p50', stats.handshake.p50, 'rtt.p50', formatDuration(stats.handshake.p50));
            kpi('Handshake p90', stats.handshake.p90, 'rtt.p90', formatDuration(stats.handshake.p90));
        }
        section.append(kpis);

        // outcomes
        const outcomeKeys = ['completed', 'refused', 'unanswered', 'incomplete', 'client_reset', 'synack_only', 'no_handshake'];
        const outcomeItems = outcomeKeys.filter((key) => key in connections).map((key) => ({
            label: humanize(key), value: connections[key], valueText: formatInteger(connections[key]), bad: key !== 'completed',
            attributes: { 'data-outcome': key, 'data-value': connections[key] },
        }));
        section.append(figure('Outcomes (hatched: not completed)', barChart(outcomeItems, { label: 'Handshake outcomes', labelWidth: 140 })));

        // histograms, one per leg, on a common log axis
        const buckets = report.histogram || [];
        const positive = buckets.filter((b) => b.bucket !== null);
        // The decades the times span (at least two), the same for every leg.
        let lo = -4, hi = 0;
        if (positive.length) {
            lo = Math.floor(Math.log10(Math.min(...positive.map((b) => b.above || b.up_to))));
            hi = Math.ceil(Math.log10(Math.max(...positive.map((b) => b.up_to))));
            if (hi - lo < 2)
                hi = lo + 2;
            lo = Math.max(lo, hi - 9);
        }
        const charts = element('div', { class: 'charts' });
        for (const leg of ['handshake', 'syn_synack', 'synack_ack', 'setup']) {
            const legBuckets = buckets.filter((b) => b.time === leg);
            charts.append(figure(LEG_TITLES[leg], histogramChart(leg, legBuckets, stats[leg], [lo, hi])));
        }
        section.append(element('h3', null, 'Handshake times'), charts);
        section.append(genericTable(report, 'stats', report.stats));

        // per-server p50 / p90
        const servers = report.servers || [];
        section.append(element('h3', null, `Per server: p50 and p90 (${formatInteger(servers.length)} shown)`));
        const measured = servers.filter((s) => s.p50 !== null);
        if (measured.length) {
            section.append(serverChart(measured));
            section.append(element('p', { class: 'note' }, 'Dark bar: p50; hatched bar: p90. Servers without a measured handshake are in the table only.'));
        } else {
            section.append(element('p', { class: 'note' }, 'No server has a measured handshake.'));
        }
        section.append(genericTable(report, 'servers', servers));
        section.append(genericTable(report, 'slowest', report.slowest));
        section.append(genericTable(report, 'longest_setup', report.longest_setup));
        section.append(lazyDetails(`Histogram buckets (data, ${formatInteger(buckets.length)} rows)`,
            () => genericTable(report, 'histogram', buckets), { class: 'no-print' }));
    }

    function serverChart(servers) {
        const rowHeight = 22, labelWidth = 250, valueWidth = 230, width = 900;
        const svg = newChart(width, servers.length * rowHeight + 8, 'Per-server handshake p50 and p90');
        const max = Math.max(...servers.map((s) => s.p90 !== null ? s.p90 : s.p50));
        const span = width - labelWidth - valueWidth;
        servers.forEach((server, i) => {
            const y = 4 + i * rowHeight;
            const name = server.address.includes(':') ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
            const group = svgElement('g', { class: 'server-bar', 'data-server': name, 'data-p50': server.p50, 'data-p90': server.p90 });
            group.append(svgElement('text', { x: labelWidth - 6, y: y + 14, 'text-anchor': 'end' }, name));
            if (server.p90 !== null)
                group.append(svgElement('rect', { class: 'bar-hatched', x: labelWidth, y: y + 3, width: Math.max(1, span * server.p90 / max), height: rowHeight - 8 }));
            group.append(svgElement('rect', { class: 'bar-dark', x: labelWidth, y: y + 6, width: Math.max(1, span * server.p50 / max), height: rowHeight - 14 }));
            const end = labelWidth + span * (server.p90 !== null ? server.p90 : server.p50) / max;
            group.append(svgElement('text', { x: end + 6, y: y + 14, class: 'p50-label' },
                `p50 ${formatDuration(server.p50)}` + (server.p90 !== null ? ` · p90 ${formatDuration(server.p90)}` : '')));
            svg.append(group);
        });
        return svg;
    }

    // ---- Policy ---------------------------------------------------------------

    const SEVERITY_ORDER = ['error', 'warn', 'note', 'chat'];
    const SEVERITY_TITLES = { error: 'Errors', warn: 'Warnings', note: 'Notes', chat: 'Chat' };

    function drawPolicy(report, section, used) {
        used.add('policy').add('findings').add('lookups').add('unexpected').add('silent_rules');
        const policy = report.policy || {};
        section.append(recordList(policy, { durations: false, nestedKeys: new Set(['invalid_rules']) }));
        const findings = report.findings || [];
        const kpis = element('div', { class: 'kpis' });
        const count = (severity) => findings.filter((f) => f.severity === severity).length;
        kpis.append(element('div', { class: 'kpi' }, element('span', { class: 'label' }, 'Rules with findings'),
            element('span', { class: 'value', 'data-field': 'policy.findings', 'data-value': findings.length }, formatInteger(findings.length))));
        for (const severity of SEVERITY_ORDER) {
            const n = count(severity);
            if (n)
                kpis.append(element('div', { class: 'kpi' }, element('span', { class: 'label' }, SEVERITY_TITLES[severity]),
                    element('span', { class: 'value', 'data-field': `policy.${severity}`, 'data-value': n }, formatInteger(n))));
        }
        section.append(kpis);
        if (!findings.length)
            section.append(element('p', { class: 'note', id: 'no-findings' }, 'No alert rule matched.'));
        const severities = [...SEVERITY_ORDER, ...new Set(findings.map((f) => f.severity).filter((s) => !SEVERITY_ORDER.includes(s)))];
        for (const severity of severities) {
            const group = findings.filter((f) => f.severity === severity);
            if (!group.length)
                continue;
            const block = element('div', { class: 'severity-group', 'data-severity': severity });
            block.append(element('h3', null, `${SEVERITY_TITLES[severity] || humanize(String(severity))} (${group.length})`));
            for (const finding of group)
                block.append(findingCard(finding));
            section.append(block);
        }
        const lookups = report.lookups || [];
        if (lookups.length) {
            // DNS lookups of listed names: findings without a connection, one card per client and name.
            const block = element('div', { class: 'lookups', 'data-table': 'lookups' });
            block.append(element('h3', null, `DNS lookups of listed names (${lookups.length})`));
            for (const lookup of lookups)
                block.append(findingCard(lookup, 'lookup'));
            section.append(block);
        }
        if (report.unexpected && report.unexpected.length)
            section.append(genericTable(report, 'unexpected', report.unexpected));
        else if (policy.mode === 'allowlist')
            section.append(element('p', { class: 'note' }, 'Allow-list mode: every protocol seen is allowed.'));
        if (report.silent_rules && report.silent_rules.length) {
            const block = element('details', null, element('summary', null, `Alert rules that matched nothing (${report.silent_rules.length})`),
                element('p', { class: 'mono' }, report.silent_rules.join(', ')));
            section.append(block);
        }
    }

    // kind: 'finding' (a rule's connections) or 'lookup' (a DNS lookup of a listed name).
    function findingCard(finding, kind = 'finding') {
        const card = element('div', { class: `${kind} severity-${String(finding.severity).replace(/[^a-z]/gi, '')}`, 'data-rule': finding.rule });
        card.append(element('div', null, element('span', { class: 'rule' }, finding.rule), element('span', { class: 'badge' }, finding.severity)));
        if (finding.message)
            card.append(element('div', { class: 'message' }, finding.message));
        const counts = element('div', { class: 'counts' });
        const placed = new Set(['rule', 'severity', 'message']);
        const nested = [];
        for (const [key, value] of Object.entries(finding)) {
            if (placed.has(key))
                continue;
            if (isTable(value) || Array.isArray(value) && value.length === 0) {
                nested.push([key, value]);
                continue;
            }
            const { text } = formatValue(key, value, false);
            counts.append(element('span', null, `${humanize(key)}: `, element('b', { 'data-key': key, 'data-value': rawValue(value) }, text === '' ? '—' : text)));
        }
        card.append(counts);
        for (const [key, rows] of nested) {
            if (rows.length)
                card.append(nestedTable(key === 'endpoints' ? 'connections' : key, rows, { durations: false }));
        }
        return card;
    }

    // ---- Destinations ---------------------------------------------------------

    function portsText(ports) {
        return (ports || []).map((p) => (p.port === null ? p.transport : `${p.transport}/${p.port}`) + (p.service ? ` ${p.service}` : '')).join(', ');
    }

    function drawDests(report, section, used) {
        used.add('destinations').add('totals').add('protocols').add('countries');
        const totals = report.totals || {};
        const kpis = element('div', { class: 'kpis' });
        for (const key of ['destinations', 'ports', 'connections', 'packets', 'bytes']) {
            if (key in totals)
                kpis.append(element('div', { class: 'kpi' }, element('span', { class: 'label' }, key === 'ports' ? 'Destination ports' : humanize(key)),
                    element('span', { class: 'value', 'data-field': `dests.${key}`, 'data-value': totals[key] },
                        key === 'bytes' ? formatBytes(totals[key]) : formatInteger(totals[key]))));
        }
        section.append(kpis);
        const rest = Object.assign({}, totals);
        section.append(element('details', null, element('summary', null, 'Totals'), recordList(rest, { durations: false })));

        section.append(element('h3', null, 'Destinations'));
        section.append(destinationsTable(report.destinations || [], totals));

        section.append(element('h3', { id: 'map' }, 'Traffic by country'));
        section.append(countryMap(report.countries || [], totals));

        section.append(element('h3', null, 'Protocol overview (per connection)'));
        const protocols = report.protocols || [];
        if (protocols.length) {
            const items = protocols.map((row) => ({
                label: row.protocol === null ? `${row.transport} (no payload)` : `${row.protocol} over ${row.transport}`,
                value: row.bytes,
                valueText: `${formatBytes(row.bytes)} · ${formatInteger(row.connections)} conn.`,
                attributes: { 'data-protocol': row.protocol === null ? '' : row.protocol, 'data-transport': row.transport, 'data-bytes': row.bytes, 'data-connections': row.connections },
            }));
            section.append(figure('Bytes per application protocol', barChart(items, { label: 'Bytes per protocol', labelWidth: 220 })));
        }
        section.append(genericTable(report, 'protocols', protocols));
    }

    function destinationsTable(rows, totals) {
        const columns = ['address', 'direction', 'connections', 'bytes_to', 'bytes_from', 'ports', 'country', 'asn', 'packets_to', 'packets_from', 'initiators'];
        // and whatever else the rows have, after these
        for (const key of columnsOf(rows)) {
            if (!columns.includes(key))
                columns.push(key);
        }
        const maxBytes = Math.max(1, ...rows.map((r) => Math.max(r.bytes_to || 0, r.bytes_from || 0)));
        const wrapper = element('div');
        const input = element('input', { type: 'search', placeholder: 'Filter: address, country, port, service…', 'aria-label': 'Filter destinations' });
        const counter = element('span', { class: 'count' });
        wrapper.append(element('div', { class: 'filter-row' }, input, counter));
        const table = element('table', { class: 'data', id: 'destinations', 'data-table': 'destinations' });
        const head = element('tr');
        for (const key of columns) {
            const numeric = rows.some((row) => typeof row[key] === 'number');
            head.append(element('th', { class: numeric ? 'num' : null, 'data-key': key, scope: 'col' }, humanize(key)));
        }
        table.append(element('thead', null, head));
        const body = element('tbody');
        table.append(body);
        // A row's DOM is made when it is first shown.
        const rowElement = (row) => {
            if (row.__tr)
                return row.__tr;
            const tr = element('tr', { 'data-address': row.address });
            for (const key of columns) {
                const value = row[key];
                if (key === 'bytes_to' || key === 'bytes_from') {
                    const bar = element('span', { class: 'bar' + (key === 'bytes_from' ? ' from' : '') });
                    bar.style.width = `${Math.round(90 * (value || 0) / maxBytes)}px`;
                    tr.append(element('td', { class: 'num', 'data-key': key, 'data-value': rawValue(value) },
                        element('span', { class: 'bar-cell' }, formatInteger(value || 0), element('span', { class: 'bar-track' }, bar))));
                } else if (key === 'ports') {
                    const cell = element('td', { 'data-key': 'ports' });
                    const ports = value || [];
                    cell.append(element('span', { class: 'ports-inline' }, portsText(ports.slice(0, 4)) + (ports.length > 4 ? ` +${ports.length - 4}` : '')));
                    if (ports.length)
                        cell.append(lazyDetails(`${ports.length} port${ports.length === 1 ? '' : 's'}`,
                            () => dataTable(ports, { durations: false, name: 'ports' })));
                    tr.append(cell);
                } else {
                    tr.append(valueCell(key, value, { durations: false }));
                }
            }
            Object.defineProperty(row, '__tr', { value: tr, configurable: true });
            return tr;
        };
        for (const row of rows)
            row.__search = [row.address, row.direction, row.country, row.asn, portsText(row.ports)].join(' ').toLowerCase();
        // Sorting and filtering work on every row; the first PAGE_ROWS
        // matches are shown until "Show all" is pressed (or the page printed).
        const PAGE_ROWS = 200;
        let order = rows, limit = PAGE_ROWS;
        const more = element('button', { type: 'button', class: 'toggle', id: 'show-all-destinations' });
        const apply = () => {
            const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
            const matches = words.length ? order.filter((row) => words.every((w) => row.__search.includes(w))) : order;
            const shown = matches.slice(0, limit);
            body.replaceChildren(...shown.map(rowElement));
            counter.textContent = `${formatInteger(matches.length)} of ${formatInteger(rows.length)} match` +
                (shown.length < matches.length ? `, the first ${formatInteger(shown.length)} shown` : '') +
                (totals.destinations > rows.length ? ` (${formatInteger(totals.destinations - rows.length)} more in the capture, beyond the row cap)` : '');
            counter.setAttribute('data-shown', shown.length);
            more.hidden = shown.length >= matches.length;
            more.textContent = `Show all ${formatInteger(matches.length)}`;
        };
        more.addEventListener('click', () => {
            limit = Infinity;
            apply();
        });
        window.addEventListener('beforeprint', () => more.click());
        makeSortable(table, rows, columns, (sorted) => {
            order = sorted;
            apply();
        });
        input.addEventListener('input', apply);
        apply();
        wrapper.querySelector('.filter-row').append(more);
        wrapper.append(element('div', { class: 'scroll' }, table));
        wrapper.append(element('p', { class: 'note' }, 'A destination is the responder of a connection; "to" counts towards it. Bars: bytes to (solid) and from (hatched), on one scale. Click a heading to sort; type to filter.'));
        return wrapper;
    }

    // Grey levels for the map, lightest to darkest, with the legend showing
    // the byte range of each.
    const MAP_SHADES = ['#c4c4c4', '#9c9c9c', '#747474', '#4c4c4c', '#1c1c1c'];

    function countryMap(countries, totals) {
        const block = element('div', { class: 'map-block' });
        const known = countries.filter((c) => c.country !== null);
        if (!known.length) {
            block.append(element('p', { class: 'note', id: 'map-none' },
                'No destination has a country: no MaxMind database is configured (Preferences › Name Resolution › MaxMind database directories), or none knows these addresses.'));
            return block;
        }
        const bytesOf = (c) => c.bytes_to + c.bytes_from;
        const totalBytes = countries.reduce((sum, c) => sum + bytesOf(c), 0);
        const unknown = countries.find((c) => c.country === null);
        const max = Math.max(...known.map(bytesOf));
        // shade classes on a log scale of bytes: 5 steps from the smallest to the largest
        const min = Math.min(...known.map(bytesOf));
        const shadeOf = (bytes) => {
            if (max === min)
                return MAP_SHADES.length - 1;
            const t = (Math.log(bytes) - Math.log(min)) / (Math.log(max) - Math.log(min));
            return Math.min(MAP_SHADES.length - 1, Math.floor(t * MAP_SHADES.length));
        };
        const svg = svgElement('svg', { class: 'map', viewBox: `0 0 ${worldMap.width} ${worldMap.height}`, role: 'img', 'aria-label': 'World map shaded by bytes per country' });
        const byCountry = new Map(known.map((c) => [c.country, c]));
        for (const [code, path] of Object.entries(worldMap.countries)) {
            const row = byCountry.get(code);
            const attributes = { d: path, 'data-country': code };
            if (row) {
                attributes.fill = MAP_SHADES[shadeOf(bytesOf(row))];
                attributes['data-bytes'] = bytesOf(row);
                attributes.class = 'shaded';
            } else {
                attributes.class = 'nodata';
            }
            const shape = svgElement('path', attributes);
            if (row)
                shape.append(svgElement('title', {}, `${code}: ${formatBytes(bytesOf(row))}, ${formatInteger(row.connections)} connections, ${formatInteger(row.destinations)} destinations`));
            svg.append(shape);
        }
        const missing = known.filter((c) => !(c.country in worldMap.countries));
        const legend = element('div', { class: 'legend' });
        const steps = MAP_SHADES.map((shade, i) => Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * i / MAP_SHADES.length));
        MAP_SHADES.forEach((shade, i) => {
            const swatch = element('span', { class: 'swatch' });
            swatch.style.background = shade;
            legend.append(element('span', null, swatch, max === min ? formatBytes(max) : `≥ ${formatBytes(Math.round(steps[i]))}`));
        });
        const side = element('div');
        const share = (bytes) => totalBytes ? (100 * bytes / totalBytes).toFixed(1) + ' %' : '0 %';
        side.append(element('p', { id: 'map-unknown', 'data-value': unknown ? bytesOf(unknown) : 0 },
            `Without a country (private addresses, or unknown to the databases): ${share(unknown ? bytesOf(unknown) : 0)} of bytes` +
            (unknown ? `, ${formatInteger(unknown.destinations)} destinations.` : '.')));
        const top = known.slice(0, 10).map((c) => ({ country: c.country, bytes: bytesOf(c), share: share(bytesOf(c)), connections: c.connections }));
        side.append(dataTable(top, { durations: false, name: 'top-countries', headings: { share: 'Share', connections: 'Conn.' } }));
        if (missing.length)
            side.append(element('p', { class: 'note' }, `Not on the map (too small at this scale): ${missing.map((c) => c.country).join(', ')}.`));
        block.append(element('div', { class: 'map-layout' }, element('div', null, svg, legend), side));
        const all = countries.map((c) => Object.assign({}, c, { bytes: bytesOf(c) }));
        block.append(element('details', null, element('summary', null, `All countries (${countries.length})`), dataTable(all, { durations: false, name: 'countries', sortable: true })));
        block.append(element('p', { class: 'note' }, 'Shade: bytes to and from the country\'s destinations (log scale). Map: Natural Earth (public domain).'));
        return block;
    }

    // ---- The page -------------------------------------------------------------

    const TITLES = { rtt: 'Handshake RTT', policy: 'Policy findings', dests: 'Destinations and ports' };
    const DRAW = { rtt: drawRtt, policy: drawPolicy, dests: drawDests };
    const RESERVED = new Set(['report', 'filter', 'wireshark', 'capture']);

    function draw() {
        document.title = 'Capture Triage report' + (documentData.reports.length && documentData.reports[0].filter ? ` (${documentData.reports[0].filter})` : '');
        drawHeader();
        for (const report of documentData.reports) {
            const section = element('section', { class: 'report', id: report.report, 'data-report': report.report });
            section.append(element('h2', null, TITLES[report.report] || humanize(report.report)));
            const used = new Set();
            if (DRAW[report.report])
                DRAW[report.report](report, section, used);
            // Tables this script does not know yet still appear.
            for (const [key, value] of Object.entries(report)) {
                if (!RESERVED.has(key) && !used.has(key))
                    section.append(genericTable(report, key, value));
            }
            page.append(section);
            performance.mark('drawn-' + report.report);
        }
        page.append(element('p', { class: 'footnote' }, 'Made by Capture Triage from the JSON document embedded in this page (schema ' + documentData.schema + '). ' + worldMap.source + '.'));
    }

    // Printing shows every folded part.
    window.addEventListener('beforeprint', () => {
        document.querySelectorAll('details').forEach((d) => {
            d.open = true;
            d.dispatchEvent(new Event('toggle'));
        });
    });

    draw();
    document.body.setAttribute('data-drawn', 'yes');
    performance.mark('charts-drawn');
}());
