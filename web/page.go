package web

import (
	"embed"
	"net/http"
	"strings"
)

// static contains the page: HTML, CSS, JavaScript and the string catalog.
// Everything it loads comes from the gateway, so the page works on a
// maintenance port without internet access.
//
//go:embed static
var static embed.FS

// pagePolicy allows the page only its own files: no inline script or
// style, no other origin, no framing.
const pagePolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

// page serves the commissioning page.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", pagePolicy)
	http.ServeFileFS(w, r, static, "static/index.html")
}

// staticFile serves the page's files under /static/, without directory
// listings.
func (s *Server) staticFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if strings.HasSuffix(name, "/") || name == "static/index.html" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Security-Policy", pagePolicy)
	http.ServeFileFS(w, r, static, name)
}
