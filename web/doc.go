// Package web serves the local commissioning page's JSON API on the
// maintenance interface: login with accounts and roles, live status, and
// the operator actions (acknowledge, silence, reset, bypass) that the
// alarm engine accepts only from a local source.
//
// There is no default password. While no account exists, the server keeps
// a one-time setup token in its state directory and writes it to the log.
// The first installer account is created with that token. Passwords are stored as argon2id
// hashes. Sessions expire after an idle time and a maximum age. Logins are
// rate limited per client address and per account name. Every
// state-changing request passes Go's cross-origin protection, and every
// operator action becomes an event that names the user.
package web
