/**
 * The live page's script, plain browser JavaScript kept as a string: no
 * framework, no build step. It reads the lab through the same API as anyone
 * else (GET /api/units, the SSE stream), so the page can show nothing the API
 * does not. Every value is placed with textContent, never as HTML.
 *
 * Hooks for tests and scripts: a unit is `section[data-unit=NAME]` with
 * `data-faults` (active faults, space-separated); a plug is
 * `tr[data-plug=N]` inside it with `data-state` (ON/OFF) and `data-load`
 * (off, starting, alive, frozen, crashed, dead, or none); buttons carry
 * `data-action` (on, off, reboot, freeze, thaw, inject-fault, clear-fault);
 * the fault picker is `select[data-role=fault-picker]`; the feed is
 * `#events`, one `li[data-event-id][data-event-type]` per event;
 * `#connection[data-state]` is live, connecting or offline.
 */
export const PAGE_SCRIPT = `
(() => {
  'use strict';
  const TOKEN_KEY = 'fencekit-lab-token';
  const FEED_MAX = 200;
  let token = sessionStorage.getItem(TOKEN_KEY);
  let source = null;
  const unitsEl = document.getElementById('units');
  const feedEl = document.getElementById('events');
  const messageEl = document.getElementById('message');
  const connectionEl = document.getElementById('connection');
  const tokenForm = document.getElementById('token-form');
  const refreshing = new Map();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') node.textContent = v;
      else if (k === 'className') node.className = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  function say(text, isError) {
    messageEl.textContent = text;
    messageEl.dataset.kind = isError ? 'error' : 'info';
  }

  function setConnection(state) {
    connectionEl.dataset.state = state;
    connectionEl.textContent = state;
  }

  class Unauthorized extends Error {}

  async function api(method, path, body) {
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) throw new Unauthorized();
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const e = data && data.error;
      throw new Error(e ? e.code + ': ' + e.message : 'HTTP ' + res.status);
    }
    return data;
  }

  function askToken(again) {
    if (source) source.close();
    source = null;
    setConnection('offline');
    tokenForm.hidden = false;
    say(again ? 'That token was refused: enter the lab admin token.' : 'This lab needs its admin token.', again);
    tokenForm.querySelector('input').focus();
  }

  tokenForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = tokenForm.querySelector('input').value.trim();
    if (!value) return;
    token = value;
    sessionStorage.setItem(TOKEN_KEY, token);
    tokenForm.hidden = true;
    tokenForm.reset();
    start(true);
  });

  function actorText(a) {
    if (!a) return '';
    let t = a.protocol;
    if (a.peer) t += ' ' + a.peer;
    if (a.user) t += ' as ' + a.user;
    if (a.token) t += ' (token ' + a.token + ')';
    return t;
  }

  function loadText(load) {
    if (!load) return '—';
    let t = load.kind + ': ' + load.status;
    if (load.pid && (load.status === 'alive' || load.status === 'frozen' || load.status === 'starting')) t += ' (pid ' + load.pid + ')';
    if (load.exit && (load.status === 'crashed' || load.status === 'dead')) {
      t += load.exit.signal ? ' (' + load.exit.signal + ')' : ' (exit ' + load.exit.code + ')';
    }
    return t;
  }

  function button(action, label, enabled, extra) {
    return el('button', Object.assign({ type: 'button', 'data-action': action, text: label, disabled: !enabled }, extra || {}));
  }

  function plugRow(p) {
    const status = p.load ? p.load.status : 'none';
    const running = status === 'alive' || status === 'starting';
    return el(
      'tr',
      { 'data-plug': p.plug, 'data-state': p.state, 'data-load': status },
      el('td', { className: 'num', text: p.plug }),
      el('td', { className: 'name', text: p.name || '' }),
      el('td', { className: 'state', 'data-role': 'state', text: p.state }),
      el('td', { className: 'load load-' + status, 'data-role': 'load', text: loadText(p.load) }),
      el('td', { className: 'actor', 'data-role': 'last-actor', text: actorText(p.lastActor) }),
      el(
        'td',
        { className: 'actions' },
        button('on', 'On', p.state !== 'ON'),
        button('off', 'Off', p.state !== 'OFF'),
        button('reboot', 'Reboot', true),
        p.load ? button('freeze', 'Freeze', running) : null,
        p.load ? button('thaw', 'Thaw', status === 'frozen') : null,
      ),
    );
  }

  function unitSection(u) {
    const picker = el('select', { 'data-role': 'fault-picker', 'aria-label': 'fault for ' + u.name });
    for (const f of u.knownFaults) picker.append(el('option', { value: f, text: f }));
    const section = el(
      'section',
      { className: 'unit', 'data-unit': u.name, 'data-family': u.family },
      el(
        'header',
        {},
        el('h2', { text: u.name }),
        el('span', { className: 'model', text: u.model + ' · ' + u.family }),
        el('span', { className: 'sessions', 'data-role': 'sessions' }),
      ),
      el('ul', { className: 'reach', 'data-role': 'reach' }),
      el(
        'div',
        { className: 'faults' },
        el('span', { text: 'Faults: ' }),
        el('ul', { className: 'active-faults', 'data-role': 'active-faults' }),
        u.knownFaults.length ? picker : el('span', { className: 'none', text: 'this unit takes none' }),
        u.knownFaults.length ? button('inject-fault', 'Inject', true) : null,
        u.knownFaults.length ? button('clear-fault', 'Clear', true) : null,
      ),
      el(
        'table',
        { className: 'plugs' },
        el(
          'thead',
          {},
          el('tr', {}, ...['Plug', 'Name', 'State', 'Load', 'Last switched by', ''].map((h) => el('th', { text: h }))),
        ),
        el('tbody', { 'data-role': 'plugs' }),
      ),
    );
    return section;
  }

  function render(u) {
    let section = unitsEl.querySelector('section[data-unit="' + CSS.escape(u.name) + '"]');
    if (!section) {
      section = unitSection(u);
      unitsEl.append(section);
    }
    section.dataset.faults = u.faults.join(' ');
    section.dataset.sessions = String(u.sessions);
    section.querySelector('[data-role=sessions]').textContent = u.sessions + (u.sessions === 1 ? ' session' : ' sessions');
    const reach = section.querySelector('[data-role=reach]');
    reach.replaceChildren(...u.reach.map((line) => el('li', { text: line })));
    const faults = section.querySelector('[data-role=active-faults]');
    faults.replaceChildren(
      ...(u.faults.length
        ? u.faults.map((f) => el('li', { 'data-fault': f, text: f }))
        : [el('li', { className: 'none', text: 'none' })]),
    );
    section.querySelector('[data-role=plugs]').replaceChildren(...u.plugs.map(plugRow));
  }

  /** One refresh of a unit at a time; events that arrive meanwhile ask for one more. */
  function refresh(name) {
    const state = refreshing.get(name);
    if (state) {
      state.again = true;
      return;
    }
    const entry = { again: false };
    refreshing.set(name, entry);
    api('GET', '/api/units/' + encodeURIComponent(name))
      .then(render, fail)
      .finally(() => {
        refreshing.delete(name);
        if (entry.again) refresh(name);
      });
  }

  function describe(e) {
    const where = e.unit ? e.unit + (e.plug ? ' plug ' + e.plug : '') + ': ' : '';
    switch (e.type) {
      case 'plug':
        return where + e.from + ' → ' + e.to + ' by ' + actorText(e.actor);
      case 'switch-ignored':
        return where + e.requested + ' asked by ' + actorText(e.actor) + ', not carried out (' + e.reason + ')';
      case 'load':
        return where + 'load ' + e.status + (e.pid ? ' (pid ' + e.pid + ')' : '');
      case 'fault':
        return where + 'fault ' + e.fault + (e.active ? ' injected' : ' cleared') + ' by ' + actorText(e.actor);
      case 'session':
        return where + e.what + ' ' + actorText(e.actor) + (e.reason ? ' (' + e.reason + ')' : '');
      case 'lab':
        return 'lab ' + e.what;
      default:
        return where + e.type;
    }
  }

  function onEvent(msg) {
    let e;
    try {
      e = JSON.parse(msg.data);
    } catch {
      return;
    }
    const time = (e.time || '').slice(11, 23);
    feedEl.prepend(
      el(
        'li',
        { 'data-event-id': e.id, 'data-event-type': e.type, 'data-unit': e.unit },
        el('time', { datetime: e.time, text: time }),
        ' ',
        el('span', { text: describe(e) }),
      ),
    );
    while (feedEl.childElementCount > FEED_MAX) feedEl.lastElementChild.remove();
    if (e.unit) refresh(e.unit);
  }

  function openStream() {
    if (source) source.close();
    setConnection('connecting');
    source = new EventSource('/api/events' + (token ? '?token=' + encodeURIComponent(token) : ''));
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection(source && source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    for (const type of ['plug', 'switch-ignored', 'load', 'fault', 'session', 'lab']) source.addEventListener(type, onEvent);
  }

  function fail(err) {
    if (err instanceof Unauthorized) return askToken(Boolean(token));
    say(String(err.message || err), true);
  }

  async function start(afterToken) {
    try {
      const units = await api('GET', '/api/units');
      for (const u of units) render(u);
      document.body.dataset.ready = 'true';
      if (afterToken) say('', false);
      openStream();
    } catch (err) {
      fail(err);
    }
  }

  async function act(button) {
    const section = button.closest('section[data-unit]');
    if (!section) return;
    const unit = encodeURIComponent(section.dataset.unit);
    const action = button.dataset.action;
    const row = button.closest('tr[data-plug]');
    try {
      if (action === 'inject-fault' || action === 'clear-fault') {
        const fault = section.querySelector('[data-role=fault-picker]').value;
        await api(action === 'inject-fault' ? 'PUT' : 'DELETE', '/api/units/' + unit + '/faults/' + encodeURIComponent(fault));
        say((action === 'inject-fault' ? 'Injected ' : 'Cleared ') + fault + ' on ' + section.dataset.unit + '.', false);
      } else if (row && (action === 'on' || action === 'off' || action === 'reboot')) {
        await api('POST', '/api/units/' + unit + '/plugs/' + row.dataset.plug, { action });
        say('Plug ' + row.dataset.plug + ' of ' + section.dataset.unit + ': ' + action + '.', false);
      } else if (row && (action === 'freeze' || action === 'thaw')) {
        await api('POST', '/api/units/' + unit + '/plugs/' + row.dataset.plug + '/' + action);
        say('Load on plug ' + row.dataset.plug + ' of ' + section.dataset.unit + ': ' + action + '.', false);
      }
    } catch (err) {
      fail(err);
    }
    refresh(section.dataset.unit);
  }

  unitsEl.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-action]');
    if (b && !b.disabled) act(b);
  });

  start(false);
})();
`;
