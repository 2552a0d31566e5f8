package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// Options configure a Server.
type Options struct {
	Web config.Web
	// Lang is the site's language for API messages; a request's
	// Accept-Language overrides it.
	Lang  string
	Plant Plant
	// Event stores account changes; it must not block.
	Event  func(record.Event)
	Logger *slog.Logger
	// Now returns the time; nil uses time.Now.
	Now func() time.Time
}

// Server is the local API. Create it with New and serve it with Run or
// Handler.
type Server struct {
	opts      Options
	log       *slog.Logger
	now       func() time.Time
	accounts  *accounts
	sessions  *sessions
	limiter   *loginLimiter
	tokenPath string
	hub       *hub
	// exports counts the CSV exports running, modbus the Modbus reads and
	// writes.
	exports, modbus runLimit

	// mu guards setupToken, which is empty once the first account
	// exists.
	mu         sync.Mutex
	setupToken string
}

// New loads the accounts and, while there are none, the setup token,
// which it logs so that the installer finds it in the journal.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Event == nil {
		opts.Event = func(record.Event) {}
	}
	s := &Server{opts: opts, log: opts.Logger, now: opts.Now, limiter: newLoginLimiter(), hub: newHub(),
		sessions:  newSessions(opts.Web.SessionIdle.D(), opts.Web.SessionMax.D()),
		tokenPath: filepath.Join(opts.Web.StateDir, setupTokenFile)}
	var err error
	if s.accounts, err = loadAccounts(filepath.Join(opts.Web.StateDir, "accounts.json")); err != nil {
		return nil, err
	}
	if s.accounts.empty() {
		if s.setupToken, err = ensureSetupToken(s.tokenPath); err != nil {
			return nil, err
		}
		s.log.Warn("no account exists yet; create the first installer account with the setup token",
			"setup_token", s.setupToken, "file", s.tokenPath)
	}
	return s, nil
}

// Run serves the API on the configured address until ctx ends. A bind
// failure is logged and retried, because the address may belong to an
// interface that is not up yet. The gateway runs it on a goroutine of its
// own, so the alarm function does not wait for the page.
func (s *Server) Run(ctx context.Context) error {
	if s.opts.Web.Listen == config.WebOff {
		return nil
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// Requests end with ctx, so live streams stop at once on shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx }}
	ln, err := s.listen(ctx)
	if err != nil {
		return err
	}
	s.log.Info("local page listening", "address", ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve local page: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		srv.Close()
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve local page: %w", err)
	}
	return nil
}

// listen binds the address, retrying every 10 s until ctx ends.
func (s *Server) listen(ctx context.Context) (net.Listener, error) {
	for logged := false; ; logged = true {
		var lc net.ListenConfig
		ln, err := lc.Listen(ctx, "tcp", s.opts.Web.Listen)
		if err == nil {
			return ln, nil
		}
		if !logged {
			s.log.Error("local page cannot listen; retrying every 10 s", "address", s.opts.Web.Listen, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
		}
	}
}

// Handler returns the API with cross-origin protection on every
// state-changing request.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, codeCrossOrigin)
	}))
	return securityHeaders(cop.Handler(mux))
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
