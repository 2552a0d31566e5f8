// Package cfgcheck runs the checks of a loaded config that need packages
// beyond config: the outputs of the board profile and the load of each
// RS-485 bus. gatewayd --check and gwctl config check print the same
// findings, each as "file:line: text" in the printer's language.
package cfgcheck
