package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sync"
	"time"
)

// maxSessions bounds the sessions kept at once; a new login past it ends
// the least recently used one.
const maxSessions = 64

// session is one logged-in user.
type session struct {
	user     string
	role     Role
	created  time.Time
	lastSeen time.Time
}

// sessions maps the SHA-256 of each session token to its session, so a
// memory dump does not hand out valid tokens. Sessions live in memory
// only: a restart logs everyone out.
type sessions struct {
	idle, max time.Duration
	mu        sync.Mutex
	byHash    map[[32]byte]*session
}

func newSessions(idle, max time.Duration) *sessions {
	return &sessions{idle: idle, max: max, byHash: map[[32]byte]*session{}}
}

// start opens a session and returns its token.
func (s *sessions) start(user string, role Role, now time.Time) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(now)
	if len(s.byHash) >= maxSessions {
		s.dropOldestLocked()
	}
	s.byHash[sha256.Sum256([]byte(token))] = &session{user: user, role: role, created: now, lastSeen: now}
	return token, nil
}

// lookup returns the session of token and marks it used, or false when
// the token is unknown or its session expired.
func (s *sessions) lookup(token string, now time.Time) (session, bool) {
	key := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byHash[key]
	if !ok {
		return session{}, false
	}
	if s.expired(ss, now) {
		delete(s.byHash, key)
		return session{}, false
	}
	ss.lastSeen = now
	return *ss, true
}

func (s *sessions) end(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byHash, sha256.Sum256([]byte(token)))
}

// endUser ends every session of user, for a removed account.
func (s *sessions) endUser(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, ss := range s.byHash {
		if ss.user == user {
			delete(s.byHash, k)
		}
	}
}

func (s *sessions) expired(ss *session, now time.Time) bool {
	return now.Sub(ss.lastSeen) >= s.idle || now.Sub(ss.created) >= s.max
}

func (s *sessions) expireLocked(now time.Time) {
	for k, ss := range s.byHash {
		if s.expired(ss, now) {
			delete(s.byHash, k)
		}
	}
}

func (s *sessions) dropOldestLocked() {
	var oldest [32]byte
	var at time.Time
	for k, ss := range s.byHash {
		if at.IsZero() || ss.lastSeen.Before(at) {
			oldest, at = k, ss.lastSeen
		}
	}
	delete(s.byHash, oldest)
}
