import { createHash } from 'node:crypto';
import { PAGE_SCRIPT } from './page-script.js';

/**
 * The live page served at `/`: one HTML document with its style and script
 * inline, so the lab serves it from memory and the package ships it as a
 * module like any other. The Content-Security-Policy allows exactly that
 * style and that script (by hash) and connections to the lab itself, nothing else.
 */
const STYLE = `
:root { color-scheme: light dark; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; }
header.top { display: flex; gap: 1rem; align-items: baseline; }
#connection { padding: 0 .4rem; border-radius: .3rem; }
#connection[data-state=live] { background: #2e7d32; color: #fff; }
#connection[data-state=connecting] { background: #f9a825; color: #000; }
#connection[data-state=offline] { background: #c62828; color: #fff; }
#message[data-kind=error] { color: #c62828; }
section.unit { border: 1px solid #8886; border-radius: .4rem; padding: .5rem 1rem; margin: 1rem 0; }
section.unit header { display: flex; gap: 1rem; align-items: baseline; }
section.unit h2 { margin: 0; font-size: 1.2rem; }
.reach { margin: .3rem 0; padding-left: 1.2rem; font-family: ui-monospace, monospace; font-size: .85rem; }
.faults { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.active-faults { display: inline-flex; gap: .3rem; list-style: none; margin: 0; padding: 0; }
.active-faults li { background: #c62828; color: #fff; border-radius: .3rem; padding: 0 .4rem; }
.active-faults li.none { background: none; color: inherit; opacity: .6; }
table.plugs { border-collapse: collapse; width: 100%; margin-top: .5rem; }
table.plugs th, table.plugs td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #8884; }
tr[data-state=ON] td.state { color: #2e7d32; font-weight: bold; }
tr[data-state=OFF] td.state { color: #c62828; font-weight: bold; }
td.load-alive { color: #2e7d32; } td.load-frozen { color: #1565c0; }
td.load-dead, td.load-crashed { color: #c62828; font-weight: bold; }
td.actor { font-size: .85rem; }
td.actions button { margin-right: .2rem; }
#events { list-style: none; padding: 0; font-family: ui-monospace, monospace; font-size: .85rem; max-height: 20rem; overflow-y: auto; }
#events time { opacity: .6; }
`;

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fencekit lab</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><h1>fencekit lab</h1><span id="connection" data-state="connecting">connecting</span></header>
<p id="message" role="status" aria-live="polite"></p>
<form id="token-form" hidden>
<label>Admin token <input type="password" name="token" autocomplete="current-password"></label>
<button type="submit">Use</button>
</form>
<main id="units"></main>
<h2>Events</h2>
<ol id="events" aria-live="polite"></ol>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export const PAGE_CSP = [
  "default-src 'none'",
  `script-src ${hash(PAGE_SCRIPT)}`,
  `style-src ${hash(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
