// Package e2e holds end-to-end tests that build the real ikrar binary and
// drive it the way people and operators do: a headless browser walking the
// signing journey, concurrent signers under kill -9, a backup taken while
// signing, and tampering caught by the command line. It has no non-test code.
package e2e
