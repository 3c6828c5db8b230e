#!/usr/bin/env python3
"""ptyrun.py [--cols N] [--rows N] [--eof SECONDS] -- CMD [ARG...]

Run CMD with its stdin, stdout and stderr on a new pseudo-terminal of the
given size (as a person's terminal would be), copy what it writes to our
stdout with "\\r\\n" made "\\n", and exit with its status (128+N when a
signal N killed it).  --eof sends Ctrl-D after SECONDS, for programs that
read the terminal.  A test instrument of leakpipe's suite."""
import fcntl, os, pty, select, struct, sys, termios, time

def main():
    args = sys.argv[1:]
    cols, rows, eof = 80, 24, None
    while args and args[0] != "--":
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--cols":
            cols = int(val)
        elif opt == "--rows":
            rows = int(val)
        elif opt == "--eof":
            eof = float(val)
        else:
            sys.exit("ptyrun.py: unknown option " + opt)
    cmd = args[1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    out = bytearray()
    start = time.time()
    sent = False
    while True:
        if eof is not None and not sent and time.time() - start >= eof:
            os.write(fd, b"\x04")
            sent = True
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(bytes(out).replace(b"\r\n", b"\n"))
    sys.stdout.flush()
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))

main()
