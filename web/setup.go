package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"strings"
)

// setupTokenFile is the name of the one-time setup token in the state
// directory. gwctl reads it on the gateway; it is removed once the first
// installer account exists.
const setupTokenFile = "setup-token"

// ensureSetupToken returns the setup token, creating it when no token is
// stored. An existing token is kept, so a restart does not invalidate
// the one an installer already copied from the log.
func ensureSetupToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		if tok := strings.TrimSpace(string(data)); tok != "" {
			return tok, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read setup token: %w", err)
	}
	raw := make([]byte, 15)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("setup token: %w", err)
	}
	// 24 letters and digits in groups of four: easy to read off a screen
	// and type on a phone.
	s := base32.StdEncoding.EncodeToString(raw)
	var groups []string
	for i := 0; i < len(s); i += 4 {
		groups = append(groups, s[i:i+4])
	}
	tok := strings.Join(groups, "-")
	if err := writeFileAtomic(path, []byte(tok+"\n")); err != nil {
		return "", err
	}
	return tok, nil
}

// sameToken compares tokens in constant time, ignoring case and dashes
// that an installer may type differently.
func sameToken(want, got string) bool {
	norm := func(s string) []byte {
		return []byte(strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s))))
	}
	return subtle.ConstantTimeCompare(norm(want), norm(got)) == 1
}
