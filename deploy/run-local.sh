#!/usr/bin/env bash
# N replicas of the app on loopback behind nginx at http://127.0.0.1:8080/flankmap/, all in the
# foreground; Ctrl-C (or the end of any one of them) stops them all.
#
#   deploy/run-local.sh [N]        # N replicas, 2 by default
#
# Each replica is the README's command, `streamlit run app.py` in the checkout, told its port and
# sub-path through the environment variables Streamlit reads itself. The proxy is
# deploy/nginx-flankmap.conf with the replicas' ports filled in. Settings (environment):
#   FLANKMAP_PROXY_PORT     the proxy's port (8080)
#   FLANKMAP_REPLICA_PORTS  the replicas' ports, space-separated (8501, 8502, ...)
#   PYTHON                  the Python whose streamlit runs (.venv/bin/python, made like
#                           scripts/run.sh makes it when missing)
#   NGINX                   the nginx binary (nginx on PATH, else /usr/sbin/nginx)
set -euo pipefail
cd "$(dirname "$0")/.."

replicas="${1:-2}"
proxy_port="${FLANKMAP_PROXY_PORT:-8080}"
ports="${FLANKMAP_REPLICA_PORTS:-$(seq -s ' ' 8501 $((8500 + replicas)))}"
set -- $ports
replicas=$#
nginx="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
if [ -z "${PYTHON:-}" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    PIP_CACHE_DIR="$PWD/.cache/pip" .venv/bin/python -m pip install -q -e .
    PYTHON=.venv/bin/python
fi
[ -x "$nginx" ] || { echo "nginx is missing: apt-get install nginx" >&2; exit 2; }

run_dir="$(mktemp -d)"
chmod 755 "$run_dir"  # nginx's workers may run as another user and keep temp files here
children=()
stop() {
    trap - EXIT INT TERM
    for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait || true
    rm -rf "$run_dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Every replica signs its cookies with one secret, so a session that moves replica keeps working.
secret="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')"
streamlit="$(dirname "$PYTHON")/streamlit"
for port in $ports; do
    STREAMLIT_SERVER_PORT="$port" STREAMLIT_SERVER_ADDRESS=127.0.0.1 \
        STREAMLIT_SERVER_BASE_URL_PATH=flankmap STREAMLIT_SERVER_COOKIE_SECRET="$secret" \
        "$streamlit" run app.py &
    children+=("$!")
done

servers="$(for port in $ports; do printf '    server 127.0.0.1:%s;\\n' "$port"; done)"
awk -v servers="$servers" -v listen="    listen 127.0.0.1:$proxy_port;" '
    /^    server 127\.0\.0\.1:[0-9]+;$/ { if (!done++) printf "%s", servers; next }
    /^    listen / { print listen; next }
    { print }
' deploy/nginx-flankmap.conf >"$run_dir/flankmap.conf"
cat >"$run_dir/nginx.conf" <<CONF
worker_processes 1;
pid $run_dir/nginx.pid;
error_log stderr;
daemon off;
events { worker_connections 1024; }
http {
    client_body_temp_path $run_dir/client_body;
    proxy_temp_path $run_dir/proxy;
    fastcgi_temp_path $run_dir/fastcgi;
    uwsgi_temp_path $run_dir/uwsgi;
    scgi_temp_path $run_dir/scgi;
    include $run_dir/flankmap.conf;
}
CONF
"$nginx" -e stderr -p "$run_dir" -c "$run_dir/nginx.conf" &
children+=("$!")

for port in $ports; do
    until "$PYTHON" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/flankmap/_stcore/health', timeout=2)" 2>/dev/null; do
        for pid in "${children[@]}"; do kill -0 "$pid" 2>/dev/null || exit 1; done
        sleep 0.5
    done
done
echo "Eastern Flank Map: http://127.0.0.1:$proxy_port/flankmap/ ($replicas replicas: $ports)"
wait -n
