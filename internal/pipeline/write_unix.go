//go:build unix

package pipeline

import (
	"errors"
	"io"
	"io/fs"
	"syscall"
)

// writeNew writes data to a new file at p. It goes to the kernel
// directly: os.WriteFile's bookkeeping (poller registration, flags,
// stat) costs several system calls a file, which adds up over the tens of
// thousands of files a large site has.
func writeNew(p string, data []byte) error {
	fd, err := open(p)
	if err != nil {
		return &fs.PathError{Op: "open", Path: p, Err: err}
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			_ = syscall.Close(fd)
			return &fs.PathError{Op: "write", Path: p, Err: err}
		}
		if n == 0 {
			_ = syscall.Close(fd)
			return &fs.PathError{Op: "write", Path: p, Err: io.ErrShortWrite}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: p, Err: err}
	}
	return nil
}

func open(p string) (int, error) {
	for {
		fd, err := syscall.Open(p, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
		if !errors.Is(err, syscall.EINTR) {
			return fd, err
		}
	}
}
