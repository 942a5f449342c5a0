package testserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// binEnv names the environment variable that points at a prebuilt server binary.
const binEnv = "FRESHET_BIN"

// serverPkg is the import path of the server's main package.
const serverPkg = "github.com/freshetdb/freshet/cmd/freshet"

// builtBin is the binary built by this test process, shared by all its tests.
var builtBin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Binary returns the path of the server binary: FRESHET_BIN when it is set, or
// else a binary built once per test process with `go build`. A build failure
// fails the test with the compiler's output.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(binEnv); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatalf("testserver: %s=%q: %v", binEnv, p, err)
		}
		if _, err := os.Stat(abs); err != nil {
			t.Fatalf("testserver: %s=%q: %v (run `make build`)", binEnv, p, err)
		}
		return abs
	}
	builtBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "freshet-testbin-")
		if err != nil {
			builtBin.err = err
			return
		}
		builtBin.dir = dir
		path := filepath.Join(dir, "freshet")
		out, err := exec.Command("go", "build", "-o", path, serverPkg).CombinedOutput()
		if err != nil {
			builtBin.err = fmt.Errorf("go build %s: %v\n%s", serverPkg, err, out)
			return
		}
		builtBin.path = path
	})
	if builtBin.err != nil {
		t.Fatalf("testserver: %v", builtBin.err)
	}
	return builtBin.path
}

// Main runs the tests of a package that starts servers and then removes the
// binary this process built, if any. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if builtBin.dir != "" {
		os.RemoveAll(builtBin.dir)
	}
	return code
}
