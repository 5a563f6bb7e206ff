// The review page: everything a transcript holds is put in the page as text (textContent), never as
// markup, and the server's Content-Security-Policy runs no script but this one and the player.
'use strict';

const $ = (selector) => document.querySelector(selector);
let player;

// The link's one-time token (in the fragment, never sent) is spent for this tab's session token, kept in
// sessionStorage, which another origin (another port of 127.0.0.1 too) cannot read.
const SESSION = 'ssk-review-session';
async function signIn() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  history.replaceState(null, '', location.pathname);
  if (!token) return;
  const response = await fetch('/api/sign-in', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(await response.text());
  sessionStorage.setItem(SESSION, (await response.json()).session);
}

function call(url, init = {}) {
  return fetch(url, { ...init, headers: { ...init.headers, Authorization: `Bearer ${sessionStorage.getItem(SESSION)}` } });
}

async function get(url) {
  const response = await call(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response;
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

const time = (iso) => (iso ? iso.slice(0, 19).replace('T', ' ') : '-');
const who = (arn) => (arn ? arn.split(':').slice(5).join(':') || arn : '-');
function length(start, end) {
  if (!start || !end) return '-';
  const seconds = Math.round((Date.parse(end) - Date.parse(start)) / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

async function listSessions() {
  const sessions = await (await get('/api/sessions')).json();
  const body = $('#sessions tbody');
  body.replaceChildren();
  for (const s of sessions) {
    const row = body.insertRow();
    row.dataset.session = s.sessionId;
    cell(row, s.sessionId);
    cell(row, who(s.owner));
    cell(row, s.target || '-');
    cell(row, time(s.start));
    cell(row, time(s.end));
    cell(row, length(s.start, s.end));
    const versions = s.transcriptVersions.length;
    cell(row, versions === 0 ? 'none' : versions === 1 ? '1 version' : `${versions} versions`);
    cell(row, s.signOffs > 0 ? 'yes' : 'no', s.signOffs > 0 ? '' : 'unreviewed');
    cell(row, s.flags.join(', ') || 'ok', s.flags.length ? 'flagged' : '');
    row.addEventListener('click', () => showSession(s.sessionId, row));
  }
  $('#status').textContent = `${sessions.length} sessions, ${sessions.filter((s) => s.flags.length).length} flagged, ${sessions.filter((s) => !s.signOffs).length} not reviewed`;
}

let picked = 0;

async function showSession(id, row) {
  document.querySelectorAll('#sessions tr.selected').forEach((r) => r.classList.remove('selected'));
  row.classList.add('selected');
  const pick = ++picked;
  // Nothing is signed off until this session's detail is drawn, and then only this one.
  delete $('#search').dataset.session;
  $('#detail').hidden = true;
  const detail = await (await get(`/api/sessions/${encodeURIComponent(id)}`)).json();
  // Another session picked meanwhile: its answer is the one to show.
  if (pick !== picked) return;
  $('#search').dataset.session = id;
  $('#detail').hidden = false;
  $('#detail-title').textContent = id;
  $('#detail-note').textContent = detail.note;
  const facts = $('#detail-facts');
  facts.replaceChildren();
  for (const [term, value] of [['started by', detail.owner], ['target', detail.target], ['run as', detail.runAsUser]]) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value || '-';
    facts.append(dt, dd);
  }
  const versions = $('#versions');
  versions.replaceChildren();
  for (const [i, v] of detail.versions.entries()) {
    const box = document.createElement('div');
    box.className = 'version';
    const title = document.createElement('h4');
    title.textContent = `version ${i + 1} of ${detail.versions.length}, written ${time(v.written)}`;
    const text = document.createElement('pre');
    text.textContent = v.text;
    box.append(title, text);
    versions.append(box);
  }
  const events = $('#events tbody');
  events.replaceChildren();
  for (const e of detail.events) {
    const r = events.insertRow();
    cell(r, time(e.time));
    cell(r, e.fromInstance ? `${e.name} (from the instance)` : e.name);
    cell(r, who(e.who));
    cell(r, e.error || '');
  }
  showSignOffs(detail.signOffs, detail.unreadableSignOffs);
  $('#sign-off-status').textContent = '';
  $('#search-results').replaceChildren();
  // Last: the recording, fetched with the session token and handed to the player as data.
  if (player) player.dispose();
  player = undefined;
  $('#player').replaceChildren();
  if (detail.versions.length || detail.timed) {
    const cast = await (await get(`/api/sessions/${encodeURIComponent(id)}/cast`)).text();
    if (pick !== picked) return;
    player = AsciinemaPlayer.create({ data: cast }, $('#player'), { fit: 'width', idleTimeLimit: 2 });
  }
}

function showSignOffs(signOffs, unreadable) {
  const list = $('#sign-offs');
  list.replaceChildren();
  for (const s of signOffs) {
    const item = document.createElement('li');
    item.textContent = `${time(s.at)}  ${s.reviewer}: ${s.note || '(no note)'}`;
    list.append(item);
  }
  if (unreadable) {
    const item = document.createElement('li');
    item.className = 'flagged';
    item.textContent = `${unreadable} object(s) under this session's sign-offs that are not sign-offs: look at them in the bucket`;
    list.append(item);
  }
}

$('#sign-off').addEventListener('submit', async (event) => {
  event.preventDefault();
  // The session whose detail is shown: set before anything of it is drawn.
  const id = $('#search').dataset.session;
  if (!id) return;
  const response = await call(`/api/sessions/${encodeURIComponent(id)}/sign-off`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ note: $('#sign-off-note').value }),
  });
  $('#sign-off-status').textContent = response.ok ? 'Signed off.' : await response.text();
  if (!response.ok) return;
  $('#sign-off-note').value = '';
  const detail = await (await get(`/api/sessions/${encodeURIComponent(id)}`)).json();
  showSignOffs(detail.signOffs);
  await listSessions();
  document.querySelector(`#sessions tbody tr[data-session="${CSS.escape(id)}"]`)?.classList.add('selected');
});

$('#search').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = $('#search').dataset.session;
  const query = $('#search-query').value;
  const found = await (await get(`/api/sessions/${encodeURIComponent(id)}/search?q=${encodeURIComponent(query)}`)).json();
  const list = $('#search-results');
  list.replaceChildren();
  for (const hit of found) {
    const item = document.createElement('li');
    item.textContent = `${hit.at.toFixed(1)}s  ${hit.line}`;
    item.addEventListener('click', () => player && player.seek(hit.at));
    list.append(item);
  }
  if (found.length === 0) {
    const item = document.createElement('li');
    item.textContent = 'not found';
    list.append(item);
  }
});

signIn().then(listSessions).catch((e) => { $('#status').textContent = `Could not list the sessions: ${e.message}`; });
