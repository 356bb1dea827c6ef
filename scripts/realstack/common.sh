# scripts/realstack/common.sh — settings and helpers shared by setup.sh and teardown.sh. Source it.
# Everything binds to 127.0.0.1; everything the suite starts is recorded in $RS_PIDS so that teardown
# stops exactly that (by process group of the recorded pid, after checking the pid is still ours).

RS_WORK=${RS_WORK:-/var/tmp/ccsnap-realstack}
RS_HERE=${RS_HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
RS_REPO=$(cd "$RS_HERE/../.." && pwd)
RS_PY=/usr/bin/python3              # Debian's python: the OpenStack modules live in its dist-packages
RS_HOST=127.0.0.1
RS_REGION=RegionOne
RS_ADMIN_PASS=${RS_ADMIN_PASS:-realstack-admin}
RS_SERVICE_PASS=${RS_SERVICE_PASS:-realstack-service}
RS_KEYSTONE_PORT=5000 RS_NOVA_PORT=8774 RS_PLACEMENT_PORT=8778 RS_CINDER_PORT=8776 RS_GLANCE_PORT=9292
RS_NEUTRON_PORT=9696 RS_AMQP_PORT=5672 RS_EPMD_PORT=4369 RS_ERL_DIST_PORT=25672
RS_COMPUTE_HOST=realstack-compute1
RS_VOLUME_HOST=realstack-volume1
RS_OS=$RS_WORK/os                   # service configs, databases, logs
RS_LOG=$RS_WORK/log
RS_PIDS=$RS_WORK/pids
RS_TRANSPORT_URL="rabbit://openstack:$RS_SERVICE_PASS@$RS_HOST:$RS_AMQP_PORT/"
RS_LIBVIRT_URI=qemu:///system

mkdir -p "$RS_WORK" "$RS_OS" "$RS_LOG" "$RS_PIDS"

rs_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log() { echo "[realstack $(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# alive PID: the process exists and is not a zombie (PID 1 in this sandbox reaps slowly)
alive() { [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

# start_bg NAME CMD... — CMD in its own session (so its whole group can be stopped), pid in $RS_PIDS/NAME.pid.
# Also stores the start time (field 22 of /proc/PID/stat) so a recycled pid is never mistaken for ours.
start_bg() {
  local name=$1; shift
  if rs_ours "$name"; then log "$name already running (pid $(cat "$RS_PIDS/$name.pid"))"; return 0; fi
  setsid "$@" >>"$RS_LOG/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$RS_PIDS/$name.pid"
  awk '{print $22}' "/proc/$pid/stat" >"$RS_PIDS/$name.start" 2>/dev/null || true
  log "started $name (pid $pid)"
}

# rs_ours NAME: the recorded process is alive and is the one we started
rs_ours() {
  local name=$1 pid start
  pid=$(cat "$RS_PIDS/$name.pid" 2>/dev/null) || return 1
  alive "$pid" || return 1
  start=$(cat "$RS_PIDS/$name.start" 2>/dev/null || true)
  [ -z "$start" ] || [ "$(awk '{print $22}' "/proc/$pid/stat" 2>/dev/null)" = "$start" ]
}

# stop_bg NAME: TERM the recorded process group, KILL after 10 s
stop_bg() {
  local name=$1 pid
  [ -f "$RS_PIDS/$name.pid" ] || return 0
  pid=$(cat "$RS_PIDS/$name.pid")
  if rs_ours "$name"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$RS_PIDS/$name.pid" "$RS_PIDS/$name.start"
}

# stop_all NAME...: stop_bg for many at once (TERM them all, then wait): teardown in ~2 s instead of ~15 s
stop_all() {
  local name pid live=()
  for name in "$@"; do
    if rs_ours "$name"; then
      pid=$(cat "$RS_PIDS/$name.pid"); live+=("$name:$pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    fi
  done
  for _ in $(seq 1 50); do
    local any=0 e
    for e in "${live[@]}"; do alive "${e#*:}" && any=1; done
    [ $any = 0 ] && break
    sleep 0.2
  done
  for e in "${live[@]}"; do
    name=${e%%:*} pid=${e#*:}
    if alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; log "killed $name (pid $pid)"
    else log "stopped $name (pid $pid)"; fi
  done
  for name in "$@"; do rm -f "$RS_PIDS/$name.pid" "$RS_PIDS/$name.start"; done
}

# need_port PORT NAME: fail plainly when another program already listens on a port NAME needs
need_port() {
  rs_ours "$2" && return 0
  local who; who=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -1)
  [ -z "$who" ] || { log "port $1 (for $2) is already in use: $who"; return 1; }
}

# wait_http URL SECONDS [NAME]: until URL answers at all; gives up early when NAME died
wait_http() {
  local url=$1 secs=$2 name=${3:-} end=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    if [ -n "$name" ] && ! rs_ours "$name"; then
      log "$name exited; last lines of $RS_LOG/$name.log:"; tail -15 "$RS_LOG/$name.log" >&2; return 1
    fi
    sleep 0.2
  done
  log "no answer from $url within ${secs}s"; return 1
}

# admin credentials for the python clients and for register.py / resources.py
admin_env() {
  unset OS_CLOUD OS_TOKEN OS_AUTH_TYPE
  export OS_AUTH_URL=http://$RS_HOST:$RS_KEYSTONE_PORT/v3 OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=$RS_REGION
  export OS_USERNAME=admin OS_PASSWORD=$RS_ADMIN_PASS OS_PROJECT_NAME=admin
  export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
}

# keystone_section NAME USER: a keystoneauth password block for a service user
keystone_section() {
  cat <<EOF
[$1]
www_authenticate_uri = http://$RS_HOST:$RS_KEYSTONE_PORT
auth_url = http://$RS_HOST:$RS_KEYSTONE_PORT
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $2
password = $RS_SERVICE_PASS
region_name = $RS_REGION
EOF
}

# wal DB: SQLite in WAL mode — without it concurrent readers make Keystone/Nova writes fail with
# "database is locked" after the 5 s busy timeout
wal() { sqlite3 "$1" 'PRAGMA journal_mode=WAL;' >/dev/null; }

# uwsgi_bg NAME PORT WSGI [VAR=VALUE...]: one process, 4 threads, HTTP/1.1 socket (keep-alive safe for
# keystoneauth; the plain --http-socket resets reused connections)
uwsgi_bg() {
  local name=$1 port=$2 wsgi=$3; shift 3
  need_port "$port" "$name"
  start_bg "$name" env "$@" uwsgi --plugin python3 --http11-socket "$RS_HOST:$port" --wsgi-file "$wsgi" \
    --master --processes 1 --threads 4 --enable-threads --die-on-term --lazy-apps --buffer-size 65535 --need-app
}
