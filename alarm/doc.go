// Package alarm evaluates every sample against its point's set points,
// latches alarms until a local reset, trips interlocks by MooN vote and
// decides the state of the board's outputs. It performs no I/O itself: it
// commands outputs through the Outputs interface and reports state changes
// through an EventSink. Nothing in this package waits on the buffer or the
// network; how long Outputs and the EventSink take is up to their owners.
package alarm
