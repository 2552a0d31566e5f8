// Rendering of the gateway's status, devices and events into the page.
// Every text from the gateway is set as text, never as HTML.

import { formatNumber, formatTime, t } from './i18n.js';

export function byId(id) {
  return document.getElementById(id);
}

// banner shows a notice above the page, or hides it for an empty text.
export function banner(text) {
  const box = byId('banner');
  box.textContent = text;
  box.hidden = text === '';
}

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') {
      node.className = value;
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value);
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child);
    }
  }
  return node;
}

// pointState returns how a point's tile is coloured, as gas-detection
// controllers show it: alarm red, fault yellow, normal green.
export function pointState(point, alarms) {
  if (alarms.some((a) => a.point === point.id && a.active)) {
    return 'alarm';
  }
  if (point.fault || point.quality === 'bad') {
    return 'fault';
  }
  if (point.quality === 'uncertain') {
    return 'uncertain';
  }
  if (point.quality === 'none') {
    return 'none';
  }
  return 'normal';
}

function pointValue(p) {
  if (typeof p.value === 'number') {
    return formatNumber(p.value);
  }
  if (typeof p.bool === 'boolean') {
    return p.bool ? t('value.on') : t('value.off');
  }
  if (p.text) {
    return p.text;
  }
  return '—';
}

export function renderPoints(container, status) {
  const points = status.points ?? [];
  const alarms = status.alarms ?? [];
  if (points.length === 0) {
    container.replaceChildren(h('p', { class: 'muted' }, t('values.none')));
    return;
  }
  container.replaceChildren(
    ...points.map((p) => {
      const state = pointState(p, alarms);
      const unacked = alarms.some((a) => a.point === p.id && !a.acknowledged);
      return h(
        'button',
        { type: 'button', class: `tile state-${state}${unacked ? ' unacked' : ''}`, dataset: { point: p.id } },
        h('span', { class: 'id' }, p.id),
        h('span', { class: 'value' }, pointValue(p), p.unit ? h('small', {}, ` ${p.unit}`) : null),
        h('span', { class: 'state' }, state === 'none' ? t('state.none') : `${t(`state.${state}`)} · ${t(`quality.${p.quality}`)}`),
      );
    }),
  );
}

export function renderAlarms(list, status) {
  const alarms = status.alarms ?? [];
  if (alarms.length === 0) {
    list.replaceChildren(h('li', { class: 'muted' }, t('alarms.none')));
    return;
  }
  list.replaceChildren(
    ...alarms.map((a) =>
      h(
        'li',
        { class: a.active ? 'alarm-active' : 'alarm-cleared' },
        h('strong', {}, `${a.point} ${t(`level.${a.level}`)}`),
        ` · ${a.active ? t('alarms.active') : t('alarms.cleared')}`,
        ` · ${a.acknowledged ? t('alarms.acked') : t('alarms.unacked')}`,
        ` · ${t('alarms.priority', { n: a.priority })}`,
      ),
    ),
  );
}

export function renderInterlocks(list, status) {
  const interlocks = status.interlocks ?? [];
  list.replaceChildren(
    ...interlocks.map((il) =>
      h('li', { class: il.tripped ? 'alarm-active' : '' }, `${il.name}: ${il.tripped ? t('interlocks.tripped') : t('interlocks.normal')}`),
    ),
  );
}

export function renderBypasses(list, status, canOperate) {
  const bypasses = status.bypasses ?? [];
  if (bypasses.length === 0) {
    list.replaceChildren(h('li', { class: 'muted' }, t('bypass.none')));
    return;
  }
  list.replaceChildren(
    ...bypasses.map((b) =>
      h(
        'li',
        {},
        h('span', {}, t('bypass.item', { point: b.point, reason: b.reason, operator: b.operator, until: formatTime(b.until) })),
        canOperate ? h('button', { type: 'button', class: 'small', dataset: { end: b.point } }, t('bypass.end')) : null,
      ),
    ),
  );
}

export function renderDevices(summary, list, status, devices) {
  const total = status.devices?.total ?? 0;
  const lost = status.devices?.lost ?? 0;
  summary.textContent = total === 0 ? t('devices.none') : t('devices.summary', { total, lost });
  summary.className = lost > 0 ? 'fault-text' : '';
  list.replaceChildren(
    ...devices.map((d) =>
      h(
        'li',
        { class: d.comm_lost ? 'device-lost' : 'device-ok' },
        h('strong', {}, d.name),
        ` ${d.comm_lost ? t('devices.lost') : t('devices.ok')} · `,
        h('span', { class: 'muted' }, t('devices.detail', { bus: d.bus, unit: d.unit, requests: d.requests, timeouts: d.timeouts })),
      ),
    ),
  );
}

export function backlogTotal(status) {
  return Object.values(status.buffer?.pending ?? {}).reduce((sum, n) => sum + n, 0);
}

// renderUplink shows the platform connection and how far the backlog has
// drained since atLoad, the backlog when the page opened.
export function renderUplink(box, status, atLoad) {
  const up = status.uplink ?? {};
  const now = backlogTotal(status);
  const lines = [
    h('p', { class: up.connected ? 'ok-text' : 'fault-text' },
      up.connected ? t('uplink.connected', { since: formatTime(up.since) }) : t('uplink.disconnected')),
  ];
  if (up.last_error) {
    lines.push(h('p', { class: 'muted' }, t('uplink.error', { error: up.last_error })));
  }
  lines.push(h('p', {}, t('uplink.sent', { n: up.sent_records ?? 0 })));
  lines.push(h('p', { class: 'strong', id: 'backlog-now' }, now === 0 ? t('backlog.empty') : t('backlog.now', { n: now })));
  const lanes = Object.entries(status.buffer?.pending ?? {}).map(([lane, n]) => `${t(`lane.${lane}`)} ${n}`);
  if (lanes.length > 0) {
    lines.push(h('p', { class: 'muted' }, lanes.join(' · ')));
  }
  lines.push(h('p', {}, t('backlog.atLoad', { n: atLoad })));
  if (atLoad > 0 && now <= atLoad) {
    const done = atLoad - now;
    const pct = Math.floor((done / atLoad) * 100);
    lines.push(h('progress', { max: String(atLoad), value: String(done) }));
    lines.push(h('p', {}, t('backlog.drained', { done, total: atLoad, pct })));
  } else if (now > atLoad) {
    lines.push(h('p', { class: 'fault-text' }, t('backlog.grew', { n: now - atLoad })));
  }
  lines.push(h('p', { class: 'muted' }, t('backlog.lastSeq', { seq: status.buffer?.last_seq ?? 0 })));
  box.replaceChildren(...lines);
}

function eventClass(kind) {
  if (['alarm_raised', 'trip', 'valve_failed', 'valve_uncommanded', 'lightning_warning'].includes(kind)) {
    return 'event-alarm';
  }
  if (['fault_raised', 'comm_lost', 'level_switch_disagree', 'write_unconfirmed', 'records_evicted', 'store_replaced'].includes(kind)) {
    return 'event-fault';
  }
  return '';
}

export function eventItem(e) {
  const subject = [e.point, e.device, e.output, e.interlock].filter(Boolean).join(' ');
  const facts = [];
  if (e.level) {
    facts.push(t(`level.${e.level}`));
  }
  if (typeof e.value === 'number') {
    facts.push(formatNumber(e.value));
  }
  if (e.state) {
    facts.push(e.state);
  }
  if (e.source) {
    facts.push(t(`source.${e.source}`));
  }
  if (e.operator) {
    facts.push(t('events.by', { name: e.operator }));
  }
  return h(
    'li',
    { class: eventClass(e.kind) },
    h('time', { datetime: e.time }, formatTime(e.time)),
    h('strong', {}, ` ${t(`kind.${e.kind}`)} `),
    subject ? h('span', {}, `${subject} `) : null,
    facts.length ? h('span', { class: 'muted' }, facts.join(' · ')) : null,
    e.text ? h('div', { class: 'detail' }, e.text) : null,
  );
}
