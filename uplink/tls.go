package uplink

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/eclipse/paho.mqtt.golang/packets"

	"github.com/plantgw/plantgw/config"
)

// usesTLS reports whether rawURL's scheme is one that paho v1.5.1 dials
// with TLS and that the config accepts.
func usesTLS(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && slices.Contains([]string{"ssl", "mqtts", "tls"}, u.Scheme)
}

// tlsConfig builds the client's TLS settings. It reads the files on every
// call, so a renewed certificate is used from the next connection on.
func tlsConfig(t config.TLS) (*tls.Config, error) {
	c := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify,
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read uplink.mqtt.tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("uplink.mqtt.tls.ca_file %s contains no PEM certificate", t.CAFile)
		}
		c.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate %s and key %s: %w", t.CertFile, t.KeyFile, err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}

// connectHint returns what an installer should check after a failed
// connect over TLS (secure) or plain TCP, or "" when the error has no
// known cause.
func connectHint(err error, t config.TLS, secure bool) string {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknownCA) && t.CAFile != "":
		return fmt.Sprintf("the broker's certificate is not signed by a CA in uplink.mqtt.tls.ca_file (%s)", t.CAFile)
	case errors.As(err, &unknownCA):
		return "the broker's certificate is not signed by a CA the system trusts; set uplink.mqtt.tls.ca_file"
	case errors.As(err, &hostname):
		return "the broker's certificate does not name the host in uplink.mqtt.url; set uplink.mqtt.tls.server_name to a name the certificate contains"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "a certificate is expired or not yet valid; check the certificate dates and the system clock"
	// crypto/tls reports an alert from the server as a *net.OpError
	// around an unexported type, so only its text identifies it.
	// With TLS 1.3 a broker that requires a client certificate may close
	// the connection before its alert arrives: the client then sees a
	// reset or an EOF instead.
	case secure && t.CertFile == "" && (strings.Contains(err.Error(), "remote error: tls:") ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)):
		return "the broker ended the TLS handshake; if it requires a client certificate, set uplink.mqtt.tls.cert_file and key_file"
	case strings.Contains(err.Error(), "remote error: tls:"):
		return "the broker ended the TLS handshake; check that it accepts the client certificate in uplink.mqtt.tls.cert_file"
	case errors.Is(err, packets.ErrorRefusedBadUsernameOrPassword), errors.Is(err, packets.ErrorRefusedNotAuthorised):
		return "the broker rejected the login; check uplink.mqtt.username and the password"
	}
	return ""
}
