package web

import (
	"errors"
	"net/http"
	"os"
	"strconv"
	"sync"
)

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/setup", s.setupNeeded)
	mux.HandleFunc("POST /api/setup", s.setup)
	mux.HandleFunc("POST /api/login", s.login)
	mux.HandleFunc("POST /api/logout", s.logout)
	mux.HandleFunc("GET /api/me", s.need(Viewer, s.me))
	mux.HandleFunc("GET /api/status", s.need(Viewer, s.status))
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /static/", s.staticFile)
	mux.HandleFunc("GET /api/stream", s.need(Viewer, s.stream))
	mux.HandleFunc("GET /api/history/{point}", s.need(Viewer, s.history))
	mux.HandleFunc("GET /api/events", s.need(Viewer, s.events))
	mux.HandleFunc("GET /api/export", s.need(Viewer, s.export))
	mux.HandleFunc("GET /metrics", s.metrics)

	mux.HandleFunc("POST /api/alarms/acknowledge", s.need(Operator, s.acknowledge))
	mux.HandleFunc("POST /api/alarms/silence", s.need(Operator, s.silence))
	mux.HandleFunc("POST /api/alarms/reset", s.need(Operator, s.reset))
	mux.HandleFunc("GET /api/bypasses", s.need(Viewer, s.bypasses))
	mux.HandleFunc("POST /api/bypasses", s.need(Operator, s.bypass))
	mux.HandleFunc("DELETE /api/bypasses/{point}", s.need(Operator, s.endBypass))
	mux.HandleFunc("GET /api/outputs", s.need(Viewer, s.outputs))
	mux.HandleFunc("POST /api/outputs/test", s.need(Installer, s.testOutput))

	mux.HandleFunc("GET /api/modbus/buses", s.need(Installer, s.modbusBuses))
	mux.HandleFunc("POST /api/modbus/read", s.need(Installer, s.modbusRead))
	mux.HandleFunc("POST /api/modbus/write", s.need(Installer, s.modbusWrite))

	mux.HandleFunc("GET /api/accounts", s.need(Installer, s.listAccounts))
	mux.HandleFunc("POST /api/accounts", s.need(Installer, s.createAccount))
	mux.HandleFunc("DELETE /api/accounts/{name}", s.need(Installer, s.removeAccount))
}

func itoa(n int) string { return strconv.Itoa(n) }

var dummy struct {
	once sync.Once
	hash string
}

// dummyHash is a valid hash of a random password, checked against when a
// login names an unknown account.
func dummyHash() string {
	dummy.once.Do(func() {
		h, err := hashPassword(strconv.FormatInt(int64(os.Getpid()), 36) + "-not-a-password")
		if err == nil {
			dummy.hash = h
		}
	})
	return dummy.hash
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
