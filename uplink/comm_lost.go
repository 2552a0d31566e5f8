package uplink

// Lost reports whether device is in comm loss.
func (c *CommSummary) Lost(device string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lost[device]
}
