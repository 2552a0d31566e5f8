package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzStoredHash feeds damaged PHC strings, as a corrupted accounts file
// would hold, to the hash parser: it must return an error or a result,
// never panic, and never accept a password for an unparseable hash.
func FuzzStoredHash(f *testing.F) {
	good, err := hashPassword("correct horse")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2i$v=19$m=8,t=1,p=1$$")
	f.Add("plain-text-password")
	f.Fuzz(func(t *testing.T, hash string) {
		ok, err := checkPassword(hash, "correct horse")
		if err != nil && ok {
			t.Fatalf("hash %q: error %v and accepted", hash, err)
		}
	})
}

var fuzzPaths = []string{"/api/login", "/api/setup", "/api/bypasses", "/api/accounts", "/api/alarms/reset"}

// FuzzRequestBodies sends arbitrary bodies to the JSON endpoints, logged
// in as an operator: every reply is a JSON status, never a panic or 500.
func FuzzRequestBodies(f *testing.F) {
	for _, s := range []string{`{"user":"zhang","password":"x"}`, `{"point":"GT-101","reason":"r","duration":"1h"}`,
		`{"name":"a","password":"b","role":"viewer"}`, `{`, `[]`, `{"duration":"9999999999h"}`, "\x00\xff"} {
		for i := range fuzzPaths {
			f.Add(uint8(i), s)
		}
	}
	rg := newRig(f)
	admin := rg.installer()
	op := rg.client()
	admin.expect(201, "POST", "/api/accounts", map[string]any{"name": "liu", "password": "Shift-B-2026", "role": "operator"})
	login := op.expect(200, "POST", "/api/login", map[string]any{"user": "liu", "password": "Shift-B-2026", "cli": true})
	token, _ := login.body["token"].(string)
	handler := rg.srv.Handler()
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := fuzzPaths[int(which)%len(fuzzPaths)]
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q: status %d %s", path, body, rec.Code, rec.Body)
		}
		plain := rec.Code == http.StatusNoContent || rec.Code == http.StatusCreated || rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed
		if !plain && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("POST %s: status %d without JSON", path, rec.Code)
		}
	})
}
