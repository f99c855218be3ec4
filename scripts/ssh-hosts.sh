#!/usr/bin/env bash
# Two throwaway ssh "hosts" on this machine for the GNU parallel tests: one sshd listening on
# 127.0.0.1 and 127.0.0.2 at PORT, with its own host key and a key pair that only it accepts,
# all under DIR, started and stopped by pid. Nothing in /etc/ssh or ~/.ssh is touched.
#
#   scripts/ssh-hosts.sh start DIR PORT   # prints the ssh command that logs in (add a host)
#   scripts/ssh-hosts.sh stop DIR
set -euo pipefail
cmd=${1:?usage: ssh-hosts.sh start|stop DIR [PORT]}
dir=$(realpath -m "${2:?usage: ssh-hosts.sh start|stop DIR [PORT]}")
port=${3:-2222}

if [ "$cmd" = stop ]; then
  [ -s "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  rm -f "$dir/sshd.pid"
  exit 0
fi
[ "$cmd" = start ] || { echo "ssh-hosts.sh: unknown command $cmd" >&2; exit 2; }
[ -x /usr/sbin/sshd ] || { echo "ssh-hosts.sh: sshd is not installed (Debian: openssh-server)" >&2; exit 3; }
mkdir -p "$dir"
# sshd's privilege separation folder; Debian's service would create it.
mkdir -p /run/sshd && chmod 0755 /run/sshd
rm -f "$dir/host_key" "$dir/host_key.pub" "$dir/id" "$dir/id.pub"
ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$dir/id"
cp "$dir/id.pub" "$dir/authorized_keys"
chmod 0600 "$dir/authorized_keys"
cat > "$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
ListenAddress 127.0.0.2:$port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
# GNU parallel opens several sessions per host at once.
MaxStartups 50
MaxSessions 50
EOF
/usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" || { echo "ssh-hosts.sh: sshd did not start (see $dir/sshd.log)" >&2; exit 1; }
ssh_cmd="ssh -p $port -i $dir/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
for host in 127.0.0.1 127.0.0.2; do
  ok=""
  for _ in $(seq 100); do
    $ssh_cmd "$(id -un)@$host" true 2>/dev/null && { ok=1; break; }
    sleep 0.2
  done
  [ -n "$ok" ] || { echo "ssh-hosts.sh: cannot log in to $host:$port (see $dir/sshd.log)" >&2; exit 1; }
done
echo "$ssh_cmd"
