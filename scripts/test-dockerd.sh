#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts or stops the private Docker engine the test suite runs against.
#   scripts/test-dockerd.sh start DIR   -> prints "export DOCKER_HOST=..." on stdout
#   scripts/test-dockerd.sh swarm DIR   -> makes it a single-node Swarm manager (on loopback)
#   scripts/test-dockerd.sh stop DIR    -> leaves the swarm (if any) and stops
#   scripts/test-dockerd.sh kill DIR    -> SIGKILL, as a crash would (tests of engine faults)
# The engine lives entirely under DIR (data, exec root, socket, pid file) so it
# never touches a system engine, and it gets the offline base image
# mist-test-base:latest (busybox) that the tests build FROM.
set -euo pipefail
cmd=${1:?start|stop}; W=${2:?work dir}
S=$W/docker.sock

# dockerd bind-mounts its data root (and overlay layers) under DIR; a crash
# leaves them mounted, and the directory could then not be removed.
unmount_all() {
  local m
  for m in $(awk '{print $2}' /proc/mounts | grep -- "^$W/" | sort -r || true); do
    umount -l "$m" 2>/dev/null || true
  done
}
case $cmd in
start)
  mkdir -p "$W"
  dockerd --data-root "$W/data" --exec-root "$W/exec" --pidfile "$W/dockerd.pid" \
    -H "unix://$S" --iptables=false --ip6tables=false --bridge=none \
    --storage-driver=overlay2 >"$W/dockerd.log" 2>&1 &
  for _ in $(seq 1 150); do
    curl -sf --unix-socket "$S" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf --unix-socket "$S" http://d/_ping >/dev/null || { cat "$W/dockerd.log" >&2; exit 1; }
  export DOCKER_HOST=unix://$S
  if ! docker image inspect mist-test-base:latest >/dev/null 2>&1; then
    R=$W/rootfs; rm -rf "$R"; mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/proc" "$R/sys" "$R/dev"
    cp /bin/busybox "$R/bin/"
    for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"; echo 'root:x:0:' >"$R/etc/group"
    tar -C "$R" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - mist-test-base:latest >/dev/null
  fi
  echo "export DOCKER_HOST=unix://$S"
  ;;
swarm)
  # On loopback only, and on the first free port from 2377 (another engine on
  # this machine may be a swarm manager already); its VXLAN port moves along
  # so the two never share one.
  export DOCKER_HOST=unix://$S
  for port in $(seq 2377 2476); do
    if out=$(docker swarm init --advertise-addr "127.0.0.1:$port" \
      --listen-addr "127.0.0.1:$port" --data-path-port $((port + 5000)) 2>&1); then
      exit 0
    fi
    case $out in
    *"address already in use"*) continue ;;
    *) echo "$out" >&2; exit 1 ;;
    esac
  done
  echo "test-dockerd: no free port for the swarm" >&2
  exit 1
  ;;
stop)
  if [ -S "$S" ] && [ "$(DOCKER_HOST=unix://$S docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ]; then
    DOCKER_HOST=unix://$S docker swarm leave --force >/dev/null 2>&1 || true
  fi
  if [ -f "$W/dockerd.pid" ]; then
    pid=$(cat "$W/dockerd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  unmount_all
  ;;
kill)
  # A crash: the daemon and its containerd and shims die at once.
  [ -f "$W/dockerd.pid" ] && kill -9 "$(cat "$W/dockerd.pid")" 2>/dev/null || true
  pkill -9 -f -- "$W/exec" 2>/dev/null || true
  # containerd's pid file would outlive it; where nothing reaps orphans (this
  # machine's init does not), its pid stays "alive" as a zombie and the next
  # dockerd waits for that containerd for ever instead of starting one.
  rm -f "$W/dockerd.pid" "$S" "$W/exec/containerd/containerd.pid"
  unmount_all
  ;;
*) echo "usage: $0 start|swarm|stop|kill DIR" >&2; exit 2 ;;
esac
