//go:build !unix

package store

// osSystem has no access check where files have no Unix owner and mode:
// ExplainAccess returns errors as they are.
var osSystem = system{}
