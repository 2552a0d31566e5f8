package config

import (
	"crypto/tls"
	"crypto/x509"
	"net/url"
	"os"
	"slices"
	"time"
)

// tlsSchemes are the URL schemes that connect with TLS.
var tlsSchemes = []string{"ssl", "mqtts", "tls"}

func (v *validator) validateUplink() {
	m := v.cfg.Uplink.MQTT
	secure, urlValid := false, false
	if v.require("uplink.mqtt.url", m.URL) {
		u, err := url.Parse(m.URL)
		switch {
		case err != nil:
			v.add("uplink.mqtt.url", "%s: invalid URL %q: %v", "uplink.mqtt.url", m.URL, err)
		case u.Scheme != "tcp" && u.Scheme != "mqtt" && !slices.Contains(tlsSchemes, u.Scheme):
			v.add("uplink.mqtt.url", "%s: unsupported URL scheme %q; use tcp://, mqtt://, ssl:// or mqtts://", "uplink.mqtt.url", u.Scheme)
		case u.User != nil:
			// The URL is logged, so it must not carry the password.
			v.add("uplink.mqtt.url", "%s: the URL contains a user name or password; remove it and set uplink.mqtt.username and uplink.mqtt.password", "uplink.mqtt.url")
		default:
			secure, urlValid = slices.Contains(tlsSchemes, u.Scheme), true
		}
	}
	v.oneOf("uplink.format", v.cfg.Uplink.Format, DefaultFormat)
	v.intRange("uplink.mqtt.max_records", m.MaxRecords, 1, 1000)
	v.durationRange("uplink.mqtt.keep_alive", m.KeepAlive, 5*time.Second, 10*time.Minute)
	v.durationRange("uplink.mqtt.heartbeat", m.Heartbeat, 5*time.Second, time.Hour)
	// MQTT 3.1.1 allows a password only together with a user name.
	if m.Password != "" && m.Username == "" {
		v.add("uplink.mqtt.password", "%s: a password needs a username; set uplink.mqtt.username", "uplink.mqtt.password")
	}
	if urlValid {
		v.validateTLS(m.TLS, secure, m.URL)
	}
	v.validateDelivery()
}

// validateTLS checks the TLS keys against the URL's scheme and loads the
// files they name, so a missing or unreadable file is reported with its
// line before the gateway starts.
func (v *validator) validateTLS(t TLS, secure bool, rawURL string) {
	if !secure {
		if t != (TLS{}) {
			v.add("uplink.mqtt.tls", "%s: TLS settings need an ssl:// or mqtts:// URL, but uplink.mqtt.url is %q", "uplink.mqtt.tls", rawURL)
		}
		return
	}
	if t.CAFile != "" {
		v.checkCAFile("uplink.mqtt.tls.ca_file", t.CAFile)
	}
	switch {
	case t.CertFile != "" && t.KeyFile == "":
		v.add("uplink.mqtt.tls.cert_file", "%s: give both cert_file and key_file, or neither", "uplink.mqtt.tls.cert_file")
	case t.CertFile == "" && t.KeyFile != "":
		v.add("uplink.mqtt.tls.key_file", "%s: give both cert_file and key_file, or neither", "uplink.mqtt.tls.key_file")
	case t.CertFile != "":
		if _, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile); err != nil {
			v.add("uplink.mqtt.tls.cert_file", "%s: cannot load the client certificate and key: %v", "uplink.mqtt.tls.cert_file", err)
		}
	}
}

func (v *validator) checkCAFile(path, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		v.add(path, "%s: cannot read the file: %v", path, err)
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		v.add(path, "%s: %s contains no PEM certificate", path, file)
	}
}
