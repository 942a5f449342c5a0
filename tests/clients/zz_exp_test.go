package clients

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestZZExpCancel(t *testing.T) {
	conn, err := pgconn.Connect(context.Background(), "postgres://freshet@127.0.0.1:7452/dev?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		t.Logf("cancel: %v", conn.CancelRequest(context.Background()))
		for i := 0; i < 4; i++ {
			out, _ := exec.Command("sh", "-c", "ps -o rss= -C freshet").Output()
			t.Logf("rss: %s", out)
			time.Sleep(time.Second)
		}
	}()
	start := time.Now()
	res, err := conn.Exec(context.Background(), "SELECT count(*) FROM generate_series(1, 20000000)").ReadAll()
	t.Logf("after %v: %v err=%v", time.Since(start), res, err)
}
