package config

import (
	"fmt"
)

// Lightning is the lightning-warning input of a storage site's lightning
// warning system. The gateway records and uplinks each change of its
// level (yellow, orange, red) and keeps those events 3 years. A config
// gives either Point or Contacts.
type Lightning struct {
	// Point is a numeric point whose value is the level: 0 none,
	// 1 yellow, 2 orange, 3 red.
	Point string `yaml:"point"`
	// Contacts are one contact per level, each a bool point or a board
	// input ("input:lightning-warning"); the highest active one is the
	// level.
	Contacts LightningContacts `yaml:"contacts"`
}

// LightningContacts names the contact of each warning level; any may be
// left out.
type LightningContacts struct {
	Yellow string `yaml:"yellow"`
	Orange string `yaml:"orange"`
	Red    string `yaml:"red"`
}

// Configured reports whether a lightning-warning input is configured.
func (l Lightning) Configured() bool {
	return l.Point != "" || l.Contacts != (LightningContacts{})
}

// Lightning warning levels, in the spelling of events.
var LightningLevels = []string{"none", "yellow", "orange", "red"}

func (v *validator) validateLightning() {
	l := v.cfg.Lightning
	if !l.Configured() {
		return
	}
	points := map[string]*Point{}
	for i := range v.cfg.Points {
		points[v.cfg.Points[i].ID] = &v.cfg.Points[i]
	}
	if l.Point != "" && l.Contacts != (LightningContacts{}) {
		v.add("lightning", "%s: give exactly one of point or contacts", "lightning")
		return
	}
	if l.Point != "" {
		pt, ok := points[l.Point]
		switch {
		case !ok:
			v.add("lightning.point", "%s: no point named %q", "lightning.point", l.Point)
		case pt.Type == "bool" || pt.Type == TextType:
			v.add("lightning.point", "%s: point %q is %s; the level point must be numeric (0 none, 1 yellow, 2 orange, 3 red)", "lightning.point", l.Point, pt.Type)
		}
		return
	}
	for _, c := range []struct{ key, id string }{{"yellow", l.Contacts.Yellow}, {"orange", l.Contacts.Orange}, {"red", l.Contacts.Red}} {
		if c.id != "" {
			v.contactPoint(fmt.Sprintf("lightning.contacts.%s", c.key), c.id, points, "")
		}
	}
}
