"""Tiny TCP echo peer for make-encap-captures.sh: bounded in count and time, no external traffic.

  tcp_peer.py server ADDR PORT N   accept N connections, echo each, then exit (30 s limit)
  tcp_peer.py client ADDR PORT     connect, send three short messages, read the echo, close
"""
import socket
import sys
import time

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
if mode == "server":
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(30)
    s.bind((addr, port))
    s.listen(4)
    for _ in range(int(sys.argv[4])):
        c, _ = s.accept()
        c.settimeout(10)
        while True:
            data = c.recv(4096)
            if not data:
                break
            c.sendall(data)
        c.close()
    s.close()
else:
    c = socket.socket(family, socket.SOCK_STREAM)
    c.settimeout(10)
    c.connect((addr, port))
    for i in range(3):
        c.sendall(b"twhazard decode %d\n" % i)
        c.recv(4096)
        time.sleep(0.05)
    c.shutdown(socket.SHUT_WR)
    while c.recv(4096):
        pass
    c.close()
