// Calls of the gateway's JSON API. Error messages come from the gateway
// in the page's language, chosen by Accept-Language.

import { currentLang, t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const options = { method, headers: { 'Accept-Language': currentLang() }, credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let reply;
  try {
    reply = await fetch(path, options);
  } catch (err) {
    throw new ApiError(0, 'network', t('error.network', { error: err.message }));
  }
  if (reply.status === 204) {
    return null;
  }
  let data = null;
  try {
    data = await reply.json();
  } catch {
    // A reply without JSON leaves data null, and the status is the error.
  }
  if (!reply.ok) {
    throw new ApiError(reply.status, data?.error ?? 'http', data?.message ?? `HTTP ${reply.status}`);
  }
  return data;
}
