// Package config defines the gateway's configuration file: its typed
// schema, strict YAML decoding with file:line errors, defaults in one place
// and validation across fields. It imports no runtime package.
package config
