# scripts/realstack/services.sh — one function per OpenStack service (Debian 12 packages, OpenStack Zed).
# Sourced by setup.sh after common.sh. Every function is idempotent: configs are rewritten, databases are
# created once (marker file), processes are only started when not already running.

svc_rabbitmq() {
  local d=$RS_OS/rabbit
  mkdir -p "$d/mnesia" "$d/log" "$d/home"
  printf '%s\n' "listeners.tcp.1 = $RS_HOST:$RS_AMQP_PORT" "distribution.listener.interface = $RS_HOST" \
    "distribution.listener.port_range.min = $RS_ERL_DIST_PORT" "distribution.listener.port_range.max = $RS_ERL_DIST_PORT" \
    'log.console = true' 'log.console.level = warning' 'log.file = false' >"$d/rabbitmq.conf"
  echo '[].' >"$d/enabled_plugins"
  # HOME holds the Erlang cookie shared by the server and rabbitmqctl; epmd is ours, in the foreground,
  # on loopback (otherwise erl would daemonise one on all interfaces).
  export HOME=$d/home RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_USE_LONGNAME=false \
    RABBITMQ_CONFIG_FILE=$d/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$d/enabled_plugins \
    RABBITMQ_MNESIA_BASE=$d/mnesia RABBITMQ_LOG_BASE=$d/log RABBITMQ_PID_FILE=$d/rabbit.pid \
    RABBITMQ_NODE_IP_ADDRESS=$RS_HOST RABBITMQ_NODE_PORT=$RS_AMQP_PORT RABBITMQ_DIST_PORT=$RS_ERL_DIST_PORT \
    ERL_EPMD_ADDRESS=$RS_HOST ERL_EPMD_PORT=$RS_EPMD_PORT \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
    RABBITMQ_CTL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
  need_port "$RS_EPMD_PORT" epmd; need_port "$RS_AMQP_PORT" rabbitmq; need_port "$RS_ERL_DIST_PORT" rabbitmq
  start_bg epmd epmd -address "$RS_HOST" -port "$RS_EPMD_PORT"
  sleep 0.3
  start_bg rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server
  local ok=0
  for _ in $(seq 1 120); do
    if /usr/lib/rabbitmq/bin/rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; then ok=1; break; fi
    rs_ours rabbitmq || { tail -20 "$RS_LOG/rabbitmq.log" >&2; return 1; }
    sleep 1
  done
  [ $ok = 1 ] || { log "rabbitmq did not open its port"; return 1; }
  local ctl=/usr/lib/rabbitmq/bin/rabbitmqctl
  $ctl -q list_users | grep -q '^openstack' || $ctl -q add_user openstack "$RS_SERVICE_PASS" >/dev/null
  $ctl -q set_permissions openstack '.*' '.*' '.*'
}

svc_keystone() {
  local d=$RS_OS/keystone km
  mkdir -p "$d"
  cat >"$d/keystone.conf" <<EOF
[DEFAULT]
log_file = $RS_LOG/keystone-app.log
use_stderr = false
[database]
connection = sqlite:///$d/keystone.db
[identity]
# bcrypt cost 4: a password token in ~15 ms instead of ~500 ms (every ccsnap and client call authenticates)
password_hash_rounds = 4
[token]
provider = fernet
expiration = 86400
[fernet_tokens]
key_repository = $d/fernet-keys
[fernet_receipts]
key_repository = $d/fernet-keys
[credential]
key_repository = $d/credential-keys
[cache]
# per-process cache; hence ONE uwsgi process (a second one would not see new endpoints/roles)
enabled = true
backend = dogpile.cache.memory
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF
  km="keystone-manage --config-file $d/keystone.conf"
  if [ ! -f "$d/.done" ]; then
    $km db_sync
    wal "$d/keystone.db"
    mkdir -p "$d/fernet-keys" "$d/credential-keys"
    $km fernet_setup --keystone-user root --keystone-group root
    $km credential_setup --keystone-user root --keystone-group root
    $km bootstrap --bootstrap-password "$RS_ADMIN_PASS" --bootstrap-username admin \
      --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
      --bootstrap-region-id "$RS_REGION" \
      --bootstrap-admin-url "http://$RS_HOST:$RS_KEYSTONE_PORT/v3" \
      --bootstrap-internal-url "http://$RS_HOST:$RS_KEYSTONE_PORT/v3" \
      --bootstrap-public-url "http://$RS_HOST:$RS_KEYSTONE_PORT/v3"
    touch "$d/.done"
  fi
  uwsgi_bg keystone "$RS_KEYSTONE_PORT" /usr/bin/keystone-wsgi-public OS_KEYSTONE_CONFIG_DIR="$d" OS_KEYSTONE_CONFIG_FILES=keystone.conf
  wait_http "http://$RS_HOST:$RS_KEYSTONE_PORT/v3" 60 keystone
}

svc_register() {
  admin_env
  RS_SERVICE_PASS=$RS_SERVICE_PASS "$RS_PY" "$RS_HERE/py/register.py" >/dev/null
  need_port "$RS_NEUTRON_PORT" fakeneutron
  start_bg fakeneutron "$RS_PY" "$RS_HERE/py/fakeneutron.py" "$RS_NEUTRON_PORT"
  wait_http "http://$RS_HOST:$RS_NEUTRON_PORT/" 20 fakeneutron
}

svc_placement() {
  local d=$RS_OS/placement
  mkdir -p "$d"
  { printf '%s\n' '[DEFAULT]' "log_file = $RS_LOG/placement-app.log" 'use_stderr = false' '[api]' 'auth_strategy = keystone' \
      '[placement_database]' "connection = sqlite:///$d/placement.db" '[oslo_policy]' 'enforce_new_defaults = false' 'enforce_scope = false'
    keystone_section keystone_authtoken placement; } >"$d/placement.conf"
  if [ ! -f "$d/.done" ]; then placement-manage --config-file "$d/placement.conf" db sync; wal "$d/placement.db"; touch "$d/.done"; fi
  uwsgi_bg placement "$RS_PLACEMENT_PORT" /usr/bin/placement-api OS_PLACEMENT_CONFIG_DIR="$d"
  wait_http "http://$RS_HOST:$RS_PLACEMENT_PORT/" 60 placement
}

svc_glance() {
  local d=$RS_OS/glance
  mkdir -p "$d/images" "$d/staging" "$d/tasks" "$d/lock"
  { cat <<EOF
[DEFAULT]
bind_host = $RS_HOST
bind_port = $RS_GLANCE_PORT
workers = 1
log_file = $RS_LOG/glance-app.log
use_stderr = false
enabled_backends = fs:file
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = $d/images
[os_glance_staging_store]
filesystem_store_datadir = $d/staging
[os_glance_tasks_store]
filesystem_store_datadir = $d/tasks
[database]
connection = sqlite:///$d/glance.db
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $d/lock
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF
    keystone_section keystone_authtoken glance; } >"$d/glance-api.conf"
  if [ ! -f "$d/.done" ]; then glance-manage --config-file "$d/glance-api.conf" db_sync >/dev/null; wal "$d/glance.db"; touch "$d/.done"; fi
  need_port "$RS_GLANCE_PORT" glance
  start_bg glance glance-api --config-file "$d/glance-api.conf"
  wait_http "http://$RS_HOST:$RS_GLANCE_PORT/" 60 glance
}

svc_nova() {
  local d=$RS_OS/nova nm
  mkdir -p "$d/state" "$d/instances" "$d/lock"
  { cat <<EOF
[DEFAULT]
host = $RS_COMPUTE_HOST
my_ip = $RS_HOST
state_path = $d/state
instances_path = $d/instances
log_file = $RS_LOG/nova-app.log
use_stderr = false
transport_url = $RS_TRANSPORT_URL
# The fake virt driver plus the suite's power bridge (py/realstack_power_bridge.py, loaded by py/nova_compute.py):
# stop/start of an instance power the libvirt domain of the same name off/on.
compute_driver = realstack_power_bridge.PowerBridgeDriver
enabled_apis = osapi_compute
osapi_compute_listen = $RS_HOST
osapi_compute_listen_port = $RS_NOVA_PORT
osapi_compute_workers = 1
metadata_listen = $RS_HOST
metadata_workers = 1
heal_instance_info_cache_interval = -1
instance_name_template = instance-%08x
# Nova's clean shutdown timeout handed to driver.power_off (the bridge falls back to virsh destroy after it)
shutdown_timeout = 20
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[api_database]
connection = sqlite:///$d/nova_api.db
[database]
connection = sqlite:///$d/nova.db
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 5
[oslo_concurrency]
lock_path = $d/lock
[oslo_messaging_notifications]
driver = noop
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
[vnc]
enabled = false
[glance]
region_name = $RS_REGION
[cinder]
catalog_info = volumev3::publicURL
os_region_name = $RS_REGION
auth_type = password
auth_url = http://$RS_HOST:$RS_KEYSTONE_PORT/v3
user_domain_name = Default
project_domain_name = Default
project_name = service
username = nova
password = $RS_SERVICE_PASS
EOF
    keystone_section keystone_authtoken nova
    keystone_section placement nova
    # server delete deallocates networking with admin credentials (fakeneutron answers with nothing)
    keystone_section neutron nova
    # Cinder (since the OSSA-2023-003 fix) refuses detach without a service token
    keystone_section service_user nova
    echo 'send_service_user_token = true'
  } >"$d/nova.conf"
  nm="nova-manage --config-file $d/nova.conf"
  if [ ! -f "$d/.done" ]; then
    $nm api_db sync
    wal "$d/nova_api.db"
    $nm cell_v2 map_cell0 --database_connection "sqlite:///$d/nova_cell0.db"
    $nm db sync
    wal "$d/nova.db"; wal "$d/nova_cell0.db"
    $nm cell_v2 list_cells 2>/dev/null | grep ' cell1 ' >/dev/null || $nm cell_v2 create_cell --name cell1 >/dev/null
    touch "$d/.done"
  fi
  start_bg nova-conductor nova-conductor --config-file "$d/nova.conf"
  start_bg nova-scheduler nova-scheduler --config-file "$d/nova.conf"
  start_bg nova-compute env RS_LIBVIRT_URI="$RS_LIBVIRT_URI" RS_BRIDGE_LOG="$RS_LOG/power-bridge.log" \
    RS_GUEST_POST_START_FILE="$RS_WORK/guest/post-start.sh" \
    "$RS_PY" "$RS_HERE/py/nova_compute.py" --config-file "$d/nova.conf"
  need_port "$RS_NOVA_PORT" nova-api
  start_bg nova-api nova-api --config-file "$d/nova.conf"
  wait_http "http://$RS_HOST:$RS_NOVA_PORT/" 90 nova-api
  local mapped=0
  for _ in $(seq 1 60); do
    $nm cell_v2 discover_hosts 2>/dev/null >/dev/null || true
    if $nm cell_v2 list_hosts 2>/dev/null | grep "$RS_COMPUTE_HOST" >/dev/null; then mapped=1; break; fi
    rs_ours nova-compute || { tail -20 "$RS_LOG/nova-compute.log" >&2; return 1; }
    sleep 2
  done
  [ $mapped = 1 ] || { log "compute host $RS_COMPUTE_HOST never registered"; return 1; }
}

svc_cinder() {
  local d=$RS_OS/cinder
  mkdir -p "$d/state" "$d/lock" "$d/volumes"
  { cat <<EOF
[DEFAULT]
host = $RS_VOLUME_HOST
my_ip = $RS_HOST
state_path = $d/state
log_file = $RS_LOG/cinder-app.log
use_stderr = false
transport_url = $RS_TRANSPORT_URL
auth_strategy = keystone
osapi_volume_listen = $RS_HOST
osapi_volume_listen_port = $RS_CINDER_PORT
osapi_volume_workers = 1
api_paste_config = /etc/cinder/api-paste.ini
enabled_backends = cloudbyte
default_volume_type = __DEFAULT__
glance_api_servers = http://$RS_HOST:$RS_GLANCE_PORT
volumes_dir = $d/volumes
rootwrap_config = /etc/cinder/rootwrap.conf
[database]
connection = sqlite:///$d/cinder.db
[oslo_concurrency]
lock_path = $d/lock
[oslo_messaging_notifications]
driver = noop
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
[coordination]
backend_url = file://$d/lock
[cloudbyte]
# python3-cinder's fake logging driver, with image copies made no-ops (py/realstack_cinder_fake.py)
volume_driver = realstack_cinder_fake.NoCopyFakeDriver
volume_backend_name = cloudbyte
EOF
    keystone_section keystone_authtoken cinder
    echo 'service_token_roles_required = true'
    echo 'service_token_roles = service'
    keystone_section nova cinder
  } >"$d/cinder.conf"
  if [ ! -f "$d/.done" ]; then cinder-manage --config-file "$d/cinder.conf" db sync >/dev/null; wal "$d/cinder.db"; touch "$d/.done"; fi
  start_bg cinder-scheduler cinder-scheduler --config-file "$d/cinder.conf"
  start_bg cinder-volume env PYTHONPATH="$RS_HERE/py" "$RS_PY" -c 'import sys; from cinder.cmd.volume import main; sys.exit(main())' \
    --config-file "$d/cinder.conf"
  need_port "$RS_CINDER_PORT" cinder-api
  start_bg cinder-api cinder-api --config-file "$d/cinder.conf"
  wait_http "http://$RS_HOST:$RS_CINDER_PORT/" 90 cinder-api
}
