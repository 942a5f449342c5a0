// Package importlint enforces the direction of imports between Freshet's
// packages ("imports point down the stack only", shared/STYLE.md) with
// `go list -deps`: a test fails when a package depends, directly or through
// others, on a package its layer must not see. Only non-test code counts.
package importlint
