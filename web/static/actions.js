// Operator actions: acknowledge, silence, reset, and setting and ending
// bypasses. The gateway checks the role again; the page only hides what
// a viewer may not do.

import { api } from './api.js';
import { t } from './i18n.js';
import { loadTrend } from './live.js';
import { byId } from './views.js';

function say(id, text, failed = false) {
  const box = byId(id);
  box.textContent = text;
  box.className = failed ? 'message error' : 'message';
}

async function run(messageId, action) {
  try {
    say(messageId, await action());
  } catch (err) {
    say(messageId, err.message, true);
  }
}

async function reset() {
  const reply = await api('POST', '/api/alarms/reset');
  if (reply.not_reset === 0) {
    return t('reset.all');
  }
  return t('reset.kept', { n: reply.not_reset, names: reply.latched });
}

async function setBypass(form) {
  const point = form.elements.point.value;
  await api('POST', '/api/bypasses', {
    point,
    reason: form.elements.reason.value.trim(),
    duration: form.elements.duration.value,
  });
  form.elements.reason.value = '';
  return t('bypass.set', { point });
}

export function wireActions() {
  byId('ack').addEventListener('click', () =>
    run('action-msg', async () => {
      await api('POST', '/api/alarms/acknowledge');
      return t('ack.done');
    }));
  byId('silence').addEventListener('click', () =>
    run('action-msg', async () => {
      await api('POST', '/api/alarms/silence');
      return t('silence.done');
    }));
  byId('reset').addEventListener('click', () => run('action-msg', reset));

  const form = byId('bypass-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    run('bypass-msg', () => setBypass(form));
  });
  byId('bypasses').addEventListener('click', (ev) => {
    const point = ev.target.closest('button[data-end]')?.dataset.end;
    if (point) {
      run('bypass-msg', async () => {
        await api('DELETE', `/api/bypasses/${encodeURIComponent(point)}`);
        return t('bypass.ended', { point });
      });
    }
  });

  byId('points').addEventListener('click', (ev) => {
    const point = ev.target.closest('[data-point]')?.dataset.point;
    if (point) {
      byId('trend-point').value = point;
      loadTrend();
      byId('trend-card').scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
  });
  byId('trend-point').addEventListener('change', loadTrend);
  byId('trend-refresh').addEventListener('click', loadTrend);
}

// showRole shows the operator controls only to roles that may use them.
export function showRole(canOperate) {
  for (const el of document.querySelectorAll('[data-needs="operator"]')) {
    el.hidden = !canOperate;
  }
  for (const el of document.querySelectorAll('[data-needs="viewer-only"]')) {
    el.hidden = canOperate;
  }
}
