package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/plantgw/plantgw/config"
)

var setupTokenUsage = []string{
	"Usage: gwctl setup-token FILE",
	"Prints the one-time setup token from the state directory (web.state_dir) of the config file FILE. Run it on the gateway",
	"as root or as gatewayd's user. When the config takes the directory from environment variables, give gwctl the",
	"values that gatewayd runs with, such as DEMO_DIR=/srv/demo gwctl setup-token FILE.",
}

func runSetupToken(_ context.Context, e *env, args []string) int {
	path, err := configFileArg("setup-token", args)
	if err != nil {
		return e.fail(err)
	}
	cfg, code, ok := loadConfig(e, path)
	if !ok {
		return code
	}
	dir := absolute(cfg.Web.StateDir)
	file := filepath.Join(dir, "setup-token")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		if _, aerr := os.Stat(filepath.Join(dir, "accounts.json")); aerr == nil {
			return e.fail(failure(err, "setup is done: accounts exist in %s; log in with gwctl login", dir))
		}
		code := e.fail(failure(err, "no setup token at %s: gatewayd has not started with this config yet, or it runs with another state directory", file))
		if hint := stateDirEnvHint(e, path); hint != "" {
			fmt.Fprintln(e.stderr, hint)
		}
		return code
	}
	if err != nil {
		return e.fail(failure(err, "cannot read %s: %v; run gwctl as root on the gateway", file, err))
	}
	e.printf("setup token: %s", strings.TrimSpace(string(data)))
	if cfg.Web.Listen != config.WebOff {
		e.printf("open http://%s/ or run: gwctl setup --gateway %s --token TOKEN --user NAME", cfg.Web.Listen, cfg.Web.Listen)
	}
	return exitOK
}

// absolute returns path made absolute, or path itself when the working
// directory is unknown.
func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// envReference matches ${NAME} and ${NAME:-default}, as config files
// write environment variables.
var envReference = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// stateDirEnvHint returns a line naming the environment variables that the
// config file at path writes the web state directory with, and their values
// here. It explains to an installer why gwctl may look in another
// directory than gatewayd. It returns "" when the directory depends on no variable.
func stateDirEnvHint(e *env, path string) string {
	key, raw := stateDirSource(path)
	refs := envReference.FindAllStringSubmatch(raw, -1)
	if len(refs) == 0 {
		return ""
	}
	var vars []string
	for _, ref := range refs {
		name := ref[1]
		if v, ok := os.LookupEnv(name); ok && v != "" {
			vars = append(vars, name+"="+v)
		} else {
			vars = append(vars, e.pr.Sprintf("%s (not set)", name))
		}
	}
	return e.pr.Sprintf("%s is written as %q in %s, so this path depends on the environment variables %s; if gatewayd runs with other values, give gwctl the same, such as %s=VALUE gwctl setup-token %s",
		key, raw, filepath.Base(path), strings.Join(vars, ", "), refs[0][1], path)
}

// stateDirSource returns the config key that sets the web state directory
// and its text before ${...} expansion: web.state_dir, or buffer.path when
// the state directory is the buffer path with -web added. It returns
// empty strings when the file cannot be read as YAML.
func stateDirSource(path string) (key, raw string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", ""
	}
	var source struct {
		Web struct {
			StateDir string `yaml:"state_dir"`
		} `yaml:"web"`
		Buffer struct {
			Path string `yaml:"path"`
		} `yaml:"buffer"`
	}
	if err := yaml.Unmarshal(data, &source); err != nil {
		return "", ""
	}
	if source.Web.StateDir != "" {
		return "web.state_dir", source.Web.StateDir
	}
	return "buffer.path", source.Buffer.Path
}
