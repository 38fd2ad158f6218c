# Sourced by the scripts that start servers: free_port prints a TCP port free on loopback.
free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
