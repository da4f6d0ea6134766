#!/bin/sh
# Prepare a machine to run learner code: the unprivileged sandbox user and the sandbox virtualenv.
# Idempotent; run as root. Needs the Debian packages `bubblewrap` and `python3.11-venv` installed.
# Environment: TANGENT_SANDBOX_USER (default tangent-sandbox), TANGENT_SANDBOX_VENV
# (default /opt/tangent-sandbox/venv).
set -eu

user="${TANGENT_SANDBOX_USER:-tangent-sandbox}"
venv="${TANGENT_SANDBOX_VENV:-/opt/tangent-sandbox/venv}"
python=/usr/bin/python3.11

if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root" >&2
    exit 1
fi
for tool in /usr/bin/bwrap "$python"; do
    if [ ! -x "$tool" ]; then
        echo "setup.sh: $tool is missing (apt-get install -y bubblewrap python3.11-venv)" >&2
        exit 1
    fi
done

# A system user that owns nothing and cannot log in.
if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
fi

# The interpreter learners' code runs with: Debian's Python, numpy and scipy only, readable by all.
if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    numpy==2.4.6 scipy==1.17.1
chmod -R a+rX,go-w "$(dirname "$venv")"
echo "setup.sh: sandbox user $user, virtualenv $venv ready"
