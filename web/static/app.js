// Start of the commissioning page: language, login or first setup, then
// the live view.

import { api } from './api.js';
import { applyTexts, currentLang, loadCatalog, setLang, t } from './i18n.js';
import { showRole, wireActions } from './actions.js';
import { canOperate, redraw, startLive, stopLive } from './live.js';
import { banner, byId } from './views.js';

function formError(form, text) {
  form.querySelector('[data-role="error"]').textContent = text;
}

async function showAuth() {
  stopLive();
  byId('app').hidden = true;
  byId('logout').hidden = true;
  byId('who').hidden = true;
  byId('auth').hidden = false;
  let needed = false;
  try {
    needed = (await api('GET', '/api/setup')).needed;
  } catch (err) {
    banner(err.message);
  }
  byId('setup-form').hidden = !needed;
  byId('login-form').hidden = needed;
}

function showApp(me) {
  byId('auth').hidden = true;
  byId('app').hidden = false;
  byId('logout').hidden = false;
  const who = byId('who');
  who.hidden = false;
  who.dataset.user = me.user;
  who.dataset.role = me.role;
  showWho();
  startLive(me.role, showAuth);
  showRole(canOperate());
}

function showWho() {
  const who = byId('who');
  if (who.dataset.user) {
    who.textContent = t('who', { user: who.dataset.user, role: t(`role.${who.dataset.role}`) });
  }
}

async function route() {
  try {
    showApp(await api('GET', '/api/me'));
  } catch (err) {
    if (err.status === 401) {
      await showAuth();
    } else {
      banner(err.message);
    }
  }
}

function wireAuth() {
  const setup = byId('setup-form');
  setup.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = setup.elements;
    if (f.password.value !== f.confirm.value) {
      formError(setup, t('setup.mismatch'));
      return;
    }
    try {
      await api('POST', '/api/setup', { token: f.token.value.trim(), user: f.user.value.trim(), password: f.password.value });
      setup.reset();
      formError(setup, '');
      await route();
    } catch (err) {
      formError(setup, err.message);
    }
  });

  const login = byId('login-form');
  login.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = login.elements;
    try {
      await api('POST', '/api/login', { user: f.user.value.trim(), password: f.password.value });
      login.reset();
      formError(login, '');
      await route();
    } catch (err) {
      formError(login, err.message);
    }
  });

  byId('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/api/logout');
    } catch (err) {
      banner(err.message);
    }
    await showAuth();
  });
}

async function boot() {
  try {
    await loadCatalog();
  } catch (err) {
    banner(err.message);
    return;
  }
  applyTexts();
  byId('lang').addEventListener('click', () => {
    setLang(currentLang() === 'en' ? 'zh-CN' : 'en');
    showWho();
    redraw();
  });
  wireAuth();
  wireActions();
  await route();
}

boot();
