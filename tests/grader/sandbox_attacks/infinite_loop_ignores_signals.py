# verdict: timeout
# must not: a loop ignoring SIGTERM/SIGALRM/SIGXCPU runs past the deadline
# ruff: noqa  (a hostile submission, kept as written)
import signal

for sig in (signal.SIGTERM, signal.SIGALRM, signal.SIGXCPU, signal.SIGINT):
    signal.signal(sig, signal.SIG_IGN)
signal.alarm(0)


def d_sigma(z):
    while True:
        pass
