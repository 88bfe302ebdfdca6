// Ringlet dashboard: profiles, sessions and the daemon's health (#/), and a session's terminal
// (#/session/ID) over the daemon's WebSocket protocol. No framework; the daemon serves it under a strict
// Content-Security-Policy, so nothing here is inline and the DOM is built with textContent only.
'use strict';
(() => {
  const TOKEN_KEY = 'ringlet.token';
  const POLL_MS = 3000;
  const MAX_BACKOFF_MS = 30000;
  const $ = (id) => document.getElementById(id);

  let token = sessionStorage.getItem(TOKEN_KEY) || '';
  let pollTimer = 0;
  let profilesFetched = 0;
  let terminal = null; // the open TerminalSession, if any

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(method, path, body) {
    const used = token;
    if (!used) throw new ApiError(401, 'no token');
    const init = { method, cache: 'no-store', headers: { Authorization: 'Bearer ' + used } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, 'cannot reach the daemon');
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = new ApiError(response.status, (data && data.error) || 'HTTP ' + response.status);
      error.token = used;
      throw error;
    }
    return data;
  }

  /** The answer to a failed request: a refused token stops everything and asks for a new one. */
  function handleFailure(error, where) {
    if (error instanceof ApiError && error.status === 401) {
      // A request that was sent with a token the user has replaced since says nothing about the new one.
      if (error.token && error.token !== token) return true;
      forgetToken('The daemon refused the token: it is wrong or was rotated. Paste the current one (`ringlet daemon token`).');
      return true;
    }
    if (where) {
      where.textContent = error.message;
      where.hidden = false;
    }
    return false;
  }

  // ---------------------------------------------------------------- token dialog

  const dialog = $('token-dialog');
  const tokenInput = $('token-input');
  const tokenError = $('token-error');

  /** Sets `text` as the node's content, with `backquoted` parts as code. */
  function richText(node, text) {
    node.replaceChildren(...String(text).split('`').map((part, index) => (index % 2 ? el('code', null, part) : part)));
  }

  function askForToken(reason, error) {
    stopPolling();
    richText($('token-reason'), reason || "Paste the daemon's token: `ringlet daemon token` prints it on the daemon's machine.");
    richText(tokenError, error || '');
    tokenError.hidden = !error;
    if (!dialog.open) dialog.showModal();
    tokenInput.focus();
  }

  function forgetToken(message) {
    token = '';
    sessionStorage.removeItem(TOKEN_KEY);
    setHealth('not connected', false);
    askForToken(null, message);
  }

  dialog.addEventListener('cancel', (event) => {
    if (!token) event.preventDefault(); // nothing works without a token
  });

  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const candidate = tokenInput.value.trim();
    if (!candidate) return;
    const fail = (message) => {
      richText(tokenError, message);
      tokenError.hidden = false;
      tokenInput.select();
    };
    if (!/^[\x21-\x7e]+$/.test(candidate)) {
      fail('That is not a token: it has spaces or characters a token never has.');
      return;
    }
    $('token-submit').disabled = true;
    try {
      const response = await fetch('/health', { cache: 'no-store', headers: { Authorization: 'Bearer ' + candidate } });
      if (response.ok) {
        showHealth(await response.json().catch(() => null));
        token = candidate;
        sessionStorage.setItem(TOKEN_KEY, token);
        tokenInput.value = '';
        tokenError.hidden = true;
        dialog.close();
        route();
      } else if (response.status === 401) {
        fail('Wrong token: the daemon refused it (it may have been rotated). Run `ringlet daemon token` on the daemon\'s machine and paste what it prints.');
      } else if (response.status === 429) {
        fail('Too many wrong tokens from this address: the daemon ignores it for a minute. Wait, then try again.');
      } else {
        const data = await response.json().catch(() => null);
        fail((data && data.error) || 'The daemon answered ' + response.status + '.');
      }
    } catch (error) {
      fail('Cannot reach the daemon at ' + location.host + '.');
    } finally {
      $('token-submit').disabled = false;
    }
  });

  $('change-token').addEventListener('click', () => askForToken('Paste a new token (after `ringlet daemon rotate-token`, for example).'));
  dialog.addEventListener('close', () => { if (token && !terminal && !pollTimer) route(); });

  // ---------------------------------------------------------------- formatting and DOM helpers

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
    return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
  }

  function definitions(pairs) {
    const list = el('dl');
    for (const [term, value, title] of pairs) {
      list.append(el('dt', null, term), el('dd', { title: title || String(value) }, value));
    }
    return list;
  }

  function setHealth(text, ok) {
    const health = $('health');
    health.textContent = text;
    health.classList.toggle('ok', ok === true);
    health.classList.toggle('bad', ok === false);
  }

  function showHealth(health) {
    if (!health) return;
    setHealth('daemon ' + health.status + ' · ' + health.version + ' · up ' + duration(health.uptime_seconds) + ' · '
      + health.sessions + ' running', health.status === 'ok');
  }

  // ---------------------------------------------------------------- dashboard

  function renderProfiles(profiles) {
    const list = $('profiles');
    list.replaceChildren(...profiles.map((p) => el('li', { className: 'card', 'data-profile': p.name },
      el('div', { className: 'card-head' },
        el('span', { className: 'card-name' }, p.name),
        el('span', { className: 'badge ' + (p.sandbox ? 'on' : 'off') }, p.sandbox ? 'sandbox on' : 'sandbox off')),
      definitions([
        ['agent', p.agent || '—'],
        ['provider', p.provider || '—'],
        ['model', p.model || '—'],
        ['workspace', p.workspace || '—'],
      ]),
      el('div', { className: 'actions' },
        el('button', { type: 'button', className: 'primary run', 'aria-label': 'Run ' + p.name, onclick: (e) => run(p.name, e.currentTarget) }, 'Run')))));
    $('profiles-empty').hidden = profiles.length > 0;
  }

  function sessionCard(s) {
    const running = s.state === 'running';
    const clients = (s.clients || []).map((c) => c.address).join(', ');
    const card = el('li', { className: 'card', 'data-session': s.id, 'data-state': s.state },
      el('div', { className: 'card-head' },
        el('span', { className: 'card-name' }, s.profile),
        el('span', { className: 'badge ' + s.state }, running ? 'running' : 'exited ' + (s.exit_code ?? ''))),
      definitions([
        ['id', s.id],
        ['agent', s.agent || '—'],
        ['uptime', duration(s.uptime_seconds), 'started ' + s.started],
        ['idle', duration(s.idle_seconds)],
        ['clients', String(s.attached_clients ?? 0), clients || 'none attached'],
        ['size', s.cols + '×' + s.rows],
      ]),
      el('div', { className: 'actions' },
        el('a', { href: '#/session/' + encodeURIComponent(s.id), className: 'button attach',
                  'aria-label': (running ? 'Attach to ' : 'View ') + s.profile + ' session ' + s.id }, running ? 'Attach' : 'View'),
        el('button', { type: 'button', className: running ? 'danger end' : 'quiet remove',
                       'aria-label': (running ? 'End ' : 'Remove ') + s.profile + ' session ' + s.id,
                       onclick: (e) => endSession(s, e.currentTarget) }, running ? 'End' : 'Remove')));
    card.dataset.signature = JSON.stringify([s.state, s.exit_code, s.attached_clients, clients]);
    return card;
  }

  /** Updates the list in place where only times changed, so a focused button keeps its focus. */
  function renderSessions(sessions) {
    const list = $('sessions');
    const existing = new Map([...list.children].map((node) => [node.dataset.session, node]));
    const cards = sessions.map((s) => {
      const fresh = sessionCard(s);
      const old = existing.get(s.id);
      if (old && old.dataset.signature === fresh.dataset.signature) {
        old.querySelector('dl').replaceWith(fresh.querySelector('dl'));
        return old;
      }
      return fresh;
    });
    const focused = document.activeElement;
    list.replaceChildren(...cards);
    if (focused && document.contains(focused) === false) focused.blur();
    $('sessions-empty').hidden = sessions.length > 0;
  }

  async function refreshDashboard() {
    const error = $('dashboard-error');
    try {
      const wantProfiles = Date.now() - profilesFetched > 15000;
      const [health, sessions, profiles] = await Promise.all([
        api('GET', '/health'),
        api('GET', '/api/sessions'),
        wantProfiles ? api('GET', '/api/profiles') : null,
      ]);
      showHealth(health);
      if (profiles) {
        profilesFetched = Date.now();
        renderProfiles(profiles.profiles || []);
      }
      renderSessions(sessions.sessions || []);
      error.hidden = true;
      return true;
    } catch (failure) {
      if (handleFailure(failure, error)) return false;
      setHealth(failure.status === 0 ? 'cannot reach the daemon; retrying' : failure.message, false);
      return true;
    }
  }

  function startPolling() {
    stopPolling();
    const tick = async () => {
      if (document.hidden) { pollTimer = 0; return; } // visibilitychange starts it again
      const again = await refreshDashboard();
      if (again && !terminal && token) pollTimer = setTimeout(tick, POLL_MS);
    };
    pollTimer = setTimeout(tick, 0);
  }

  function stopPolling() {
    clearTimeout(pollTimer);
    pollTimer = 0;
  }

  function estimatedSize() {
    // About right for a 14px monospace cell; the terminal view fits itself exactly once it opens.
    return {
      cols: Math.max(20, Math.min(500, Math.floor((window.innerWidth - 12) / 8.4))),
      rows: Math.max(5, Math.min(200, Math.floor((window.innerHeight - 100) / 17))),
    };
  }

  async function run(profile, button) {
    button.disabled = true;
    try {
      const session = await api('POST', '/api/sessions', Object.assign({ profile }, estimatedSize()));
      location.hash = '#/session/' + encodeURIComponent(session.id);
    } catch (failure) {
      handleFailure(failure, $('dashboard-error'));
    } finally {
      button.disabled = false;
    }
  }

  async function endSession(session, button) {
    const running = session.state === 'running';
    if (running && !confirm('End the ' + session.profile + ' session? Its agent is stopped (SIGTERM, then SIGKILL).')) return;
    button.disabled = true;
    try {
      await api('DELETE', '/api/sessions/' + encodeURIComponent(session.id));
    } catch (failure) {
      handleFailure(failure, $('dashboard-error'));
    }
    await refreshDashboard();
  }

  // ---------------------------------------------------------------- terminal

  const KEYS = {
    esc: () => '\x1b', tab: () => '\t', 'ctrl-c': () => '\x03', 'ctrl-d': () => '\x04',
    up: (app) => (app ? '\x1bOA' : '\x1b[A'), down: (app) => (app ? '\x1bOB' : '\x1b[B'),
    right: (app) => (app ? '\x1bOC' : '\x1b[C'), left: (app) => (app ? '\x1bOD' : '\x1b[D'),
  };

  class TerminalSession {
    constructor(id) {
      this.id = id;
      this.delay = 1000;
      this.ws = null;
      this.ended = false;
      this.disposed = false;
      this.retryTimer = 0;
      this.countdownTimer = 0;
      this.infoTimer = 0;
      this.encoder = new TextEncoder();
      this.decoder = new TextDecoder();
      this.lastSession = null;

      const container = $('terminal');
      container.replaceChildren();
      this.term = new window.Terminal({
        cursorBlink: true,
        fontSize: 14,
        fontFamily: '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace',
        scrollback: 5000,
        // The canvas renderer (the DOM renderer would need inline <style> elements, which the CSP forbids);
        // the screen-reader tree keeps the text in the DOM as well, for assistive technology.
        rendererType: 'canvas',
        screenReaderMode: true,
        theme: { background: '#000000', foreground: '#e4e8ef', cursor: '#5fd0a4' },
      });
      this.term.open(container);
      this.term.fit();
      this.term.on('data', (data) => this.sendBytes(data));
      this.term.on('resize', () => this.sendSize());
      this.fitSoon = debounce(() => { if (!this.disposed) this.term.fit(); }, 120);
      window.addEventListener('resize', this.fitSoon);
      if (window.visualViewport) window.visualViewport.addEventListener('resize', this.fitSoon);
      this.term.focus();
      $('term-title').textContent = id;
      $('term-banner').hidden = true;
      $('end').disabled = false;
      this.check();
      this.infoTimer = setInterval(() => this.refreshInfo(), 5000);
    }

    get live() { return this.ws && this.ws.readyState === WebSocket.OPEN; }

    setState(state, text) {
      const badge = $('conn-state');
      badge.dataset.state = state;
      badge.textContent = text || state;
    }

    banner(text, kind) {
      const banner = $('term-banner');
      banner.textContent = text;
      banner.className = 'banner' + (kind ? ' ' + kind : '');
      banner.hidden = !text;
    }

    /** Before every (re)connection: is the session there, and is the token still right? */
    async check() {
      clearTimeout(this.retryTimer);
      this.retryTimer = 0;
      if (this.disposed || this.ended || this.checking || this.ws) return;
      this.checking = true;
      try {
        const session = await api('GET', '/api/sessions/' + encodeURIComponent(this.id));
        if (this.disposed || this.ws) return;
        this.showInfo(session);
        this.connect(session.state === 'exited' ? session : null);
      } catch (failure) {
        if (this.disposed) return;
        if (failure.status === 401) { this.setState('failed', 'token refused'); handleFailure(failure); return; }
        if (failure.status === 404) { this.finish(null, 'This session does not exist (any more).'); return; }
        this.retryLater();
      } finally {
        this.checking = false;
      }
    }

    connect(exited) {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      this.setState('connecting', this.attempted ? 'reconnecting' : 'connecting');
      this.attempted = true;
      this.exitedSession = exited;
      this.wsToken = token;
      let ws;
      try {
        ws = new WebSocket(scheme + '//' + location.host + '/api/sessions/' + encodeURIComponent(this.id) + '/attach',
                           ['ringlet.v1', 'bearer.' + token]);
      } catch (error) {
        this.finish(null, 'Cannot open a WebSocket: ' + error.message);
        return;
      }
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => this.sendSize();
      ws.onmessage = (event) => this.receive(event.data);
      ws.onclose = (event) => this.closed(ws, event);
      this.ws = ws;
    }

    receive(data) {
      if (typeof data !== 'string') {
        this.term.write(this.decoder.decode(new Uint8Array(data), { stream: true }));
        return;
      }
      let message;
      try { message = JSON.parse(data); } catch (error) { return; }
      switch (message.type) {
        case 'replay-start':
          // A reattach replays recent output: start from a clean screen so nothing shows twice.
          this.term.reset();
          this.decoder = new TextDecoder();
          this.setState('replaying', 'replaying');
          break;
        case 'replay-end':
          this.delay = 1000;
          this.setState('live', 'live');
          if (!this.ended) this.banner('');
          break;
        case 'notice':
          this.banner(message.message, 'info');
          break;
        case 'exit':
          this.finish(message.code);
          break;
        default:
          break; // unknown control messages are ignored, as the protocol says
      }
    }

    closed(ws, event) {
      if (ws !== this.ws) return;
      this.ws = null;
      if (this.disposed || this.ended) return;
      if (event.code === 1008 && /token/i.test(event.reason) && this.wsToken === token) {
        this.setState('failed', 'token rotated');
        forgetToken("The daemon's token was rotated: paste the new one (`ringlet daemon token`) to reconnect.");
        return;
      }
      if (this.exitedSession) {
        this.finish(this.exitedSession.exit_code);
        return;
      }
      this.retryLater(event.reason);
    }

    /** Reconnects after 1 s, 2 s, 4 s … 30 s, checking the session and the token first. */
    retryLater(reason) {
      clearTimeout(this.retryTimer);
      clearInterval(this.countdownTimer);
      const delay = this.delay;
      this.delay = Math.min(this.delay * 2, MAX_BACKOFF_MS);
      const due = Date.now() + delay;
      const show = () => this.setState('reconnecting', 'reconnecting in ' + Math.max(1, Math.ceil((due - Date.now()) / 1000)) + ' s');
      show();
      this.countdownTimer = setInterval(show, 1000);
      this.banner('Disconnected' + (reason ? ' (' + reason + ')' : '') + '; reconnecting automatically.', 'info');
      this.retryTimer = setTimeout(() => { this.retryTimer = 0; clearInterval(this.countdownTimer); this.check(); }, delay);
    }

    retryNow() {
      if (this.disposed || this.ended || this.ws || !this.retryTimer) return;
      clearInterval(this.countdownTimer);
      this.check();
    }

    finish(code, message) {
      if (this.ended) return;
      this.ended = true;
      clearTimeout(this.retryTimer);
      clearInterval(this.countdownTimer);
      if (code === null || code === undefined) {
        this.setState('ended', 'ended');
        this.banner(message || 'The session ended.', '');
      } else {
        this.setState('ended', 'exited ' + code);
        this.banner('The agent exited with code ' + code + '.', code === 0 ? 'info' : '');
      }
      $('end').disabled = true;
      const ws = this.ws;
      this.ws = null;
      if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
    }

    sendBytes(text) {
      if (this.live) this.ws.send(this.encoder.encode(text));
    }

    sendSize() {
      if (this.live) this.ws.send(JSON.stringify({ type: 'resize', cols: this.term.cols, rows: this.term.rows }));
    }

    paste(text) {
      const core = this.term._core || {};
      let data = text.replace(/\r?\n/g, '\r');
      if (core.bracketedPasteMode) data = '\x1b[200~' + data + '\x1b[201~';
      this.sendBytes(data);
      this.term.focus();
    }

    key(name) {
      const make = KEYS[name];
      if (make) this.sendBytes(make(Boolean((this.term._core || {}).applicationCursor)));
    }

    showInfo(session) {
      this.lastSession = session;
      const clients = session.attached_clients ?? 0;
      $('term-title').textContent = session.profile + ' · ' + session.id + ' · ' + clients + (clients === 1 ? ' client' : ' clients');
      $('term-title').title = 'agent ' + session.agent + ', up ' + duration(session.uptime_seconds) + ', ' + session.cols + '×' + session.rows;
    }

    async refreshInfo() {
      if (this.disposed || document.hidden) return;
      try {
        const [session, health] = await Promise.all([api('GET', '/api/sessions/' + encodeURIComponent(this.id)), api('GET', '/health')]);
        this.showInfo(session);
        showHealth(health);
      } catch (failure) {
        if (failure.status === 401) handleFailure(failure);
        else if (failure.status === 0) setHealth('cannot reach the daemon', false);
      }
    }

    async end() {
      if (this.ended || !confirm('End this session? Its agent is stopped (SIGTERM, then SIGKILL).')) return;
      $('end').disabled = true;
      try {
        const session = await api('DELETE', '/api/sessions/' + encodeURIComponent(this.id));
        this.finish(session.exit_code);
      } catch (failure) {
        $('end').disabled = false;
        if (!handleFailure(failure)) this.banner('Could not end the session: ' + failure.message, '');
      }
    }

    dispose() {
      this.disposed = true;
      clearTimeout(this.retryTimer);
      clearInterval(this.countdownTimer);
      clearInterval(this.infoTimer);
      window.removeEventListener('resize', this.fitSoon);
      if (window.visualViewport) window.visualViewport.removeEventListener('resize', this.fitSoon);
      const ws = this.ws;
      this.ws = null;
      if (ws) ws.close(1000);
      this.term.dispose();
      $('terminal').replaceChildren();
    }
  }

  function debounce(fn, ms) {
    let timer = 0;
    return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  async function copySelection() {
    const text = terminal ? terminal.term.getSelection() : '';
    if (!text) {
      terminal && terminal.banner('Select text in the terminal first (drag with the mouse, or long-press on a phone).', 'info');
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      // Without a secure context (plain http to a host name) there is no clipboard API: copy the old way.
      const area = el('textarea', { readonly: true, 'aria-hidden': 'true' }, text);
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    terminal.term.focus();
  }

  async function pasteText() {
    if (!terminal || terminal.ended) return;
    try {
      const text = await navigator.clipboard.readText();
      if (text) { terminal.paste(text); return; }
    } catch (error) {
      // No clipboard access here: let the user paste into a text box instead.
    }
    $('paste-input').value = '';
    $('paste-dialog').showModal();
    $('paste-input').focus();
  }

  $('copy').addEventListener('click', copySelection);
  $('paste').addEventListener('click', pasteText);
  $('end').addEventListener('click', () => terminal && terminal.end());
  $('paste-cancel').addEventListener('click', () => $('paste-dialog').close());
  $('paste-form').addEventListener('submit', (event) => {
    event.preventDefault();
    $('paste-dialog').close();
    if (terminal && $('paste-input').value) terminal.paste($('paste-input').value);
  });
  for (const button of document.querySelectorAll('.keys button')) {
    button.addEventListener('mousedown', (event) => event.preventDefault()); // keep the terminal's focus
    button.addEventListener('click', () => { if (terminal) { terminal.key(button.dataset.key); terminal.term.focus(); } });
  }
  window.addEventListener('online', () => terminal && terminal.retryNow());
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) return;
    if (terminal) terminal.retryNow();
    else if (token && !dialog.open) startPolling();
  });

  // ---------------------------------------------------------------- routing

  function route() {
    const match = /^#\/session\/([A-Za-z0-9._-]+)$/.exec(location.hash);
    const wanted = match ? decodeURIComponent(match[1]) : null;
    if (terminal && terminal.id !== wanted) {
      terminal.dispose();
      terminal = null;
    }
    document.body.classList.toggle('in-terminal', Boolean(wanted));
    $('dashboard-view').hidden = Boolean(wanted) || !token;
    $('terminal-view').hidden = !wanted || !token;
    if (!token) {
      askForToken();
      return;
    }
    if (wanted) {
      stopPolling();
      if (!terminal) terminal = new TerminalSession(wanted);
      else if (!terminal.ws && !terminal.ended) terminal.check();
    } else {
      if (location.hash !== '' && location.hash !== '#/') history.replaceState(null, '', '#/');
      startPolling();
    }
  }

  window.addEventListener('hashchange', route);
  if (typeof window.Terminal !== 'function') {
    document.body.prepend(el('p', { className: 'error', role: 'alert' }, 'xterm.js did not load: run scripts/build-web on the daemon\'s machine.'));
  }
  route();
})();
