package testserver

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// KafkaEnv and KafkaClasspathEnv name the environment variables that
// scripts/integration.sh sets: the bootstrap address of the real Kafka broker
// it starts, and the classpath of Apache Kafka's jars (for its command-line
// tools).
const (
	KafkaEnv          = "FRESHET_TEST_KAFKA"
	KafkaClasspathEnv = "FRESHET_KAFKA_CLASSPATH"
)

// Kafka returns the bootstrap address of the test suite's Kafka broker.
// Without it the test fails, telling the reader to run `make test`: tests
// that need Kafka never skip.
func Kafka(t testing.TB) string {
	t.Helper()
	addr := os.Getenv(KafkaEnv)
	if addr == "" || os.Getenv(KafkaClasspathEnv) == "" {
		t.Fatalf("testserver: %s and %s are not set: this test needs the Kafka broker that "+
			"`make test` starts (or `make integration`)", KafkaEnv, KafkaClasspathEnv)
	}
	return addr
}

// kafkaTool runs one of Apache Kafka's command-line tools (a main class of
// its jars) with stdin, and returns its output.
func kafkaTool(t testing.TB, stdin []byte, class string, args ...string) string {
	t.Helper()
	cmd := exec.Command("java", append([]string{"-cp", os.Getenv(KafkaClasspathEnv), class}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("testserver: %s %s: %v\n%s", class, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// CreateTopic creates a topic of the given partitions with Kafka's own
// topic tool.
func CreateTopic(t testing.TB, broker, topic string, partitions int) {
	t.Helper()
	kafkaTool(t, nil, "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", broker,
		"--create", "--topic", topic, "--partitions", fmt.Sprint(partitions))
}

// DeleteTopic deletes a topic with Kafka's own topic tool.
func DeleteTopic(t testing.TB, broker, topic string) {
	t.Helper()
	kafkaTool(t, nil, "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", broker, "--delete", "--topic", topic)
}

// ProduceLines sends every line of lines as one message, spread over the
// partitions, with Kafka's console producer (which, unlike kcat, also sends
// an empty line as an empty message).
func ProduceLines(t testing.TB, broker, topic string, lines []string) {
	t.Helper()
	kafkaTool(t, []byte(strings.Join(lines, "\n")+"\n"), "org.apache.kafka.tools.ConsoleProducer",
		"--bootstrap-server", broker, "--topic", topic)
}

// ProduceMessages sends each message whole (binary, newlines, megabytes)
// with kcat, an independent client (librdkafka), one file per message.
func ProduceMessages(t testing.TB, broker, topic string, msgs [][]byte) {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-P", "-b", broker, "-t", topic, "-X", "message.max.bytes=8000000"}
	for i, m := range msgs {
		p := filepath.Join(dir, fmt.Sprintf("m%06d", i))
		if err := os.WriteFile(p, m, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	if out, err := exec.Command("kcat", args...).CombinedOutput(); err != nil {
		t.Fatalf("testserver: kcat %v: %v\n%s", args, err, out)
	}
}

// ProduceFile sends every line of the file at path as one message with
// kcat; it is the fast way to send many messages.
func ProduceFile(t testing.TB, broker, topic, path string) {
	t.Helper()
	ProduceFileAsync(t, broker, topic, path)()
}

// ProduceFileAsync starts sending the file as ProduceFile does and returns
// the function that waits for it, from the test's goroutine.
func ProduceFileAsync(t testing.TB, broker, topic, path string) (wait func()) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("kcat", "-P", "-b", broker, "-t", topic, "-l", path)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("testserver: kcat: %v", err)
	}
	return func() {
		t.Helper()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("testserver: kcat -l %s: %v\n%s", path, err, out.String())
		}
	}
}

// ProduceKeyed sends key|value lines with kcat, to one partition when
// partition >= 0; an empty value is a tombstone (a null value).
func ProduceKeyed(t testing.TB, broker, topic string, partition int, lines []string) {
	t.Helper()
	args := []string{"-P", "-b", broker, "-t", topic, "-K", "|", "-Z"}
	if partition >= 0 {
		args = append(args, "-p", fmt.Sprint(partition))
	}
	cmd := exec.Command("kcat", args...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testserver: kcat %v: %v\n%s", args, err, out)
	}
}

// AddPartitions grows a topic to n partitions with Kafka's topic tool.
func AddPartitions(t testing.TB, broker, topic string, n int) {
	t.Helper()
	kafkaTool(t, nil, "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", broker, "--alter", "--topic", topic, "--partitions", fmt.Sprint(n))
}
