package cfgcheck

import (
	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/config"
)

// Web returns a warning when the local page listens on every interface,
// so that the plant network reaches it too, and none otherwise.
func Web(cfg *config.Config, pr *message.Printer) []string {
	if !cfg.Web.Wildcard() {
		return nil
	}
	return []string{at(cfg, pr, "web.listen",
		"web.listen: %q serves the local page on every interface, the plant network included; write the address of the maintenance interface, such as 192.168.100.1:8080",
		cfg.Web.Listen)}
}
