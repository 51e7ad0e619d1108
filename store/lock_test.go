package store

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets the test binary hold a store open as another process
// would (REPRINT_TEST_HOLD_STORE=DIR): it opens it, says so, and keeps it
// until its standard input closes.
func TestMain(m *testing.M) {
	if dir := os.Getenv("REPRINT_TEST_HOLD_STORE"); dir != "" {
		s, err := Open(dir, Options{})
		if err != nil {
			os.Stdout.WriteString("error " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString("held\n")
		bufio.NewReader(os.Stdin).ReadString('\n')
		s.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestOpenInUse checks that a store another process holds is refused
// with ErrInUse and a message naming the directory, not the lock's
// system error alone.
func TestOpenInUse(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "REPRINT_TEST_HOLD_STORE="+dir)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { in.Close(); cmd.Wait() }()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "held\n" {
		t.Fatalf("the other process: %q", line)
	}
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "another reprint process") {
		t.Fatalf("open of a store in use: %v", err)
	}
	// In this process too.
	in.Close()
	cmd.Wait()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrInUse) {
		t.Fatalf("second open in one process: %v", err)
	}
}
