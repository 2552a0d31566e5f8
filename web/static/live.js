// The live part of the page: the event stream, the status sections, the
// event log and the trend.

import { api } from './api.js';
import { drawTrend } from './chart.js';
import { currentLang, t } from './i18n.js';
import {
  backlogTotal, banner, byId, eventItem, renderAlarms, renderBypasses, renderDevices,
  renderInterlocks, renderPoints, renderUplink,
} from './views.js';

// maxEvents bounds the event log kept in the page.
const maxEvents = 500;
const trendRefreshMs = 60_000;
const streamRetryMs = 10_000;

const live = {
  role: 'viewer',
  onSessionEnd: () => {},
  source: null,
  retryTimer: 0,
  trendTimer: 0,
  status: null,
  devices: [],
  events: [],
  backlogAtLoad: null,
  trend: null,
  // rendered maps each section to its last input, so a section is
  // redrawn only when it changed and a button is not replaced under a
  // finger.
  rendered: {},
};

export function canOperate() {
  return live.role === 'operator' || live.role === 'installer';
}

export function startLive(role, onSessionEnd) {
  stopLive();
  Object.assign(live, { role, onSessionEnd, status: null, devices: [], events: [], backlogAtLoad: null, trend: null, rendered: {} });
  loadEvents();
  openStream();
  live.trendTimer = setInterval(loadTrend, trendRefreshMs);
}

export function stopLive() {
  if (live.source) {
    live.source.close();
    live.source = null;
  }
  clearTimeout(live.retryTimer);
  clearInterval(live.trendTimer);
}

function openStream() {
  const source = new EventSource('/api/stream');
  live.source = source;
  source.addEventListener('open', () => banner(''));
  source.addEventListener('status', (ev) => onStatus(JSON.parse(ev.data)));
  source.addEventListener('devices', (ev) => {
    live.devices = JSON.parse(ev.data);
    renderAll();
  });
  source.addEventListener('event', (ev) => onEvent(JSON.parse(ev.data)));
  source.addEventListener('reload', () => {
    banner(t('events.reloaded'));
    loadEvents();
  });
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) {
      banner(t('stream.reconnecting'));
      return;
    }
    source.close();
    live.source = null;
    checkSessionAfterClose();
  });
}

// checkSessionAfterClose runs when the browser gave up on the stream: an
// ended session shows the login form, anything else retries later.
async function checkSessionAfterClose() {
  try {
    await api('GET', '/api/me');
  } catch (err) {
    if (err.status === 401) {
      stopLive();
      live.onSessionEnd();
      return;
    }
  }
  banner(t('stream.failed'));
  live.retryTimer = setTimeout(openStream, streamRetryMs);
}

function onStatus(status) {
  const first = live.status === null;
  live.status = status;
  if (live.backlogAtLoad === null) {
    live.backlogAtLoad = backlogTotal(status);
  }
  renderAll();
  if (first) {
    loadTrend();
  }
}

function onEvent(e) {
  live.events.unshift(e);
  live.events.length = Math.min(live.events.length, maxEvents);
  const list = byId('events');
  list.querySelector('.muted')?.remove();
  list.prepend(eventItem(e));
  while (list.children.length > maxEvents) {
    list.lastElementChild.remove();
  }
}

// section calls draw when input differs from what the section last drew.
function section(name, input, draw) {
  const key = JSON.stringify(input);
  if (live.rendered[name] === key) {
    return;
  }
  live.rendered[name] = key;
  draw();
}

function renderAll() {
  const st = live.status;
  if (st === null) {
    return;
  }
  byId('gateway').textContent = st.gateway;
  section('points', [st.points, st.alarms], () => renderPoints(byId('points'), st));
  section('alarms', st.alarms, () => renderAlarms(byId('alarms'), st));
  section('interlocks', st.interlocks, () => renderInterlocks(byId('interlocks'), st));
  section('bypasses', [st.bypasses, canOperate()], () => renderBypasses(byId('bypasses'), st, canOperate()));
  section('devices', [st.devices, live.devices], () => renderDevices(byId('devices-summary'), byId('devices'), st, live.devices));
  section('uplink', [st.uplink, st.buffer, live.backlogAtLoad], () => renderUplink(byId('uplink'), st, live.backlogAtLoad));
  const ids = (st.points ?? []).map((p) => p.id);
  section('point-options', ids, () => {
    fillOptions(byId('trend-point'), ids);
    fillOptions(byId('bypass-point'), ids);
  });
}

function fillOptions(select, ids) {
  const chosen = select.value;
  select.replaceChildren(...ids.map((id) => new Option(id, id)));
  if (ids.includes(chosen)) {
    select.value = chosen;
  }
}

// redraw draws every section again, after a language change.
export function redraw() {
  live.rendered = {};
  renderAll();
  renderEvents();
  drawLastTrend();
}

export async function loadEvents() {
  try {
    live.events = await api('GET', '/api/events?hours=24&limit=200');
    renderEvents();
  } catch (err) {
    banner(err.message);
  }
}

function renderEvents() {
  const list = byId('events');
  if (live.events.length === 0) {
    const none = document.createElement('li');
    none.className = 'muted';
    none.textContent = t('events.none');
    list.replaceChildren(none);
    return;
  }
  list.replaceChildren(...live.events.map(eventItem));
}

export async function loadTrend() {
  const point = byId('trend-point').value;
  if (!point) {
    return;
  }
  byId('trend-info').textContent = t('trend.loading');
  try {
    live.trend = await api('GET', `/api/history/${encodeURIComponent(point)}?hours=24`);
    drawLastTrend();
  } catch (err) {
    byId('trend-info').textContent = err.message;
  }
}

function drawLastTrend() {
  const reply = live.trend;
  if (reply === null) {
    return;
  }
  const locale = currentLang() === 'en' ? 'en-GB' : 'zh-CN';
  drawTrend(byId('trend'), reply, {
    empty: t('trend.none'),
    time: (d) => d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false }),
  });
  const notes = [];
  if (reply.downsampled) {
    notes.push(t('trend.downsampled', { scanned: reply.scanned, shown: reply.readings.length }));
  }
  if (reply.truncated) {
    notes.push(t('trend.truncated'));
  }
  byId('trend-info').textContent = [reply.point, ...notes].join(' · ');
}
