package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// Role is an account's permission level. Each role includes the
// permissions of the roles before it.
type Role string

// Roles, weakest first.
const (
	Viewer    Role = "viewer"
	Operator  Role = "operator"
	Installer Role = "installer"
)

var roles = []Role{Viewer, Operator, Installer}

// Allows reports whether r may do what need requires.
func (r Role) Allows(need Role) bool {
	return slices.Index(roles, r) >= slices.Index(roles, need) && slices.Contains(roles, need)
}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	if r := Role(s); slices.Contains(roles, r) {
		return r, nil
	}
	return "", fmt.Errorf("%w: %q", ErrRole, s)
}

// Account is one user of the page and API.
type Account struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Hash    string    `json:"hash,omitempty"`
	Created time.Time `json:"created"`
	// CreatedBy is the account that created this one, or "setup".
	CreatedBy string `json:"created_by"`
}

// Errors of account changes; the API maps them to messages.
var (
	ErrRole          = errors.New("unknown role")
	ErrAccountExists = errors.New("account exists")
	ErrAccountName   = errors.New("invalid account name")
	ErrWeakPassword  = errors.New("password too weak")
	ErrNoAccount     = errors.New("no such account")
	ErrLastInstaller = errors.New("the last installer account cannot be removed")
)

// MinPasswordLen is the shortest password accepted, in characters.
const MinPasswordLen = 10

var accountName = regexp.MustCompile(`^[\p{L}\p{N}_.-]{1,32}$`)

// accounts is the accounts file: JSON, mode 0600, replaced atomically.
type accounts struct {
	path string
	mu   sync.Mutex
	list []Account
}

type accountsFile struct {
	Accounts []Account `json:"accounts"`
}

func loadAccounts(path string) (*accounts, error) {
	a := &accounts{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	var f accountsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("accounts file %s: %w", path, err)
	}
	for i, acc := range f.Accounts {
		if _, err := ParseRole(string(acc.Role)); err != nil || !accountName.MatchString(acc.Name) {
			return nil, fmt.Errorf("accounts file %s: account %d (%q) is invalid", path, i+1, acc.Name)
		}
	}
	a.list = f.Accounts
	return a, nil
}

// empty reports whether no account exists yet.
func (a *accounts) empty() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.list) == 0
}

func (a *accounts) get(name string) (Account, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, acc := range a.list {
		if acc.Name == name {
			return acc, true
		}
	}
	return Account{}, false
}

// names lists the accounts without their hashes.
func (a *accounts) names() []Account {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Account, len(a.list))
	for i, acc := range a.list {
		acc.Hash = ""
		out[i] = acc
	}
	return out
}

// checkNewPassword rejects a password an attacker at the maintenance port
// would try first.
func checkNewPassword(name, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return fmt.Errorf("%w: shorter than %d characters", ErrWeakPassword, MinPasswordLen)
	}
	if password == name {
		return fmt.Errorf("%w: equal to the account name", ErrWeakPassword)
	}
	return nil
}

// create adds an account and writes the file before it returns.
func (a *accounts) create(name, password string, role Role, by string, now time.Time) error {
	if !accountName.MatchString(name) {
		return fmt.Errorf("%w: %q", ErrAccountName, name)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	if err := checkNewPassword(name, password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, acc := range a.list {
		if acc.Name == name {
			return fmt.Errorf("%w: %q", ErrAccountExists, name)
		}
	}
	next := append(slices.Clone(a.list), Account{Name: name, Role: role, Hash: hash, Created: now.UTC(), CreatedBy: by})
	if err := a.write(next); err != nil {
		return err
	}
	a.list = next
	return nil
}

// remove deletes an account; the last installer stays, so that the
// gateway can always be administered.
func (a *accounts) remove(name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := slices.IndexFunc(a.list, func(acc Account) bool { return acc.Name == name })
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNoAccount, name)
	}
	next := slices.Delete(slices.Clone(a.list), i, i+1)
	if !slices.ContainsFunc(next, func(acc Account) bool { return acc.Role == Installer }) {
		return ErrLastInstaller
	}
	if err := a.write(next); err != nil {
		return err
	}
	a.list = next
	return nil
}

// write replaces the file atomically: a power cut leaves the old list or
// the new one, never a mix.
func (a *accounts) write(list []Account) error {
	data, err := json.MarshalIndent(accountsFile{Accounts: list}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode accounts: %w", err)
	}
	return writeFileAtomic(a.path, data)
}

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())

	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}

	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}

	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
