#!/usr/bin/env bash
# A private one-machine Slurm cluster for the tests: its own munged (own socket, own key),
# slurmctld and slurmd, all under DIR, started and stopped by pid. Nothing in /etc is touched:
# clients find it through SLURM_CONF=DIR/slurm.conf (printed by `start`).
#
#   scripts/slurm-cluster.sh start DIR [CTLD_PORT]   # waits until the node is idle
#   scripts/slurm-cluster.sh stop DIR
#
# Must run as root (slurmd starts jobs as their users). Why each setting (docs/references.md#slurm):
# cgroup process tracking fails silently in a sandbox (jobs die in slurmstepd, the node
# drains), so linuxproc; a fresh state folder and `slurmctld -c`, or a drained node or another
# cluster's name comes back from saved state; munged runs as the munge user; cred_expire=10 so
# a requeued job waits 10 s, not 120.
set -euo pipefail
cmd=${1:?usage: slurm-cluster.sh start|stop DIR [CTLD_PORT]}
dir=$(realpath -m "${2:?usage: slurm-cluster.sh start|stop DIR [CTLD_PORT]}")
port=${3:-6817}

stop_pid() { # pid: TERM, wait up to 10 s, then KILL
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

if [ "$cmd" = stop ]; then
  # Pids first: the daemons remove their pid files as they end.
  pids=()
  for f in slurmd slurmctld munged; do pids+=("$(cat "$dir/$f.pid" 2>/dev/null || true)"); done
  SLURM_CONF=$dir/slurm.conf timeout 10 scontrol shutdown >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  rm -f "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munged.pid"
  exit 0
fi
[ "$cmd" = start ] || { echo "slurm-cluster.sh: unknown command $cmd" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "slurm-cluster.sh: needs root (slurmd runs jobs as their users)" >&2; exit 3; }
for b in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "slurm-cluster.sh: $b is not installed (Debian: slurmctld slurmd slurm-client munge)" >&2; exit 3; }
done

rm -rf "$dir/ctld" "$dir/d" "$dir/munge"
mkdir -p "$dir/ctld" "$dir/d" "$dir/munge" "$dir/log"
chown munge:munge "$dir/munge"
chmod 0755 "$dir/munge"
# munged (as the munge user) must reach its folder, which no one else may write to.
chmod 0755 "$dir"
# A throwaway key: this cluster trusts nothing but itself.
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chown munge:munge "$dir/munge/munge.key"
chmod 0400 "$dir/munge/munge.key"
cpus=$(nproc)
cat > "$dir/slurm.conf" <<EOF
ClusterName=dmsimtest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=10
MinJobAge=30
KillWait=5
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$dir/slurm.conf

runuser -u munge -- /usr/sbin/munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" \
  || { echo "slurm-cluster.sh: munged did not start (see $dir/munge/munged.log)" >&2; exit 1; }
cp "$dir/munge/munged.pid" "$dir/munged.pid"
# The daemons background themselves: check each one's exit status (a cluster-name clash
# would otherwise end the script silently under set -e).
/usr/sbin/slurmctld -c -f "$dir/slurm.conf" || { echo "slurm-cluster.sh: slurmctld did not start (see $dir/log/slurmctld.log)" >&2; exit 1; }
/usr/sbin/slurmd -f "$dir/slurm.conf" || { echo "slurm-cluster.sh: slurmd did not start (see $dir/log/slurmd.log)" >&2; exit 1; }
state=""
for _ in $(seq 300); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && { echo "SLURM_CONF=$dir/slurm.conf"; exit 0; }
  sleep 0.2
done
echo "slurm-cluster.sh: the node is '${state:-unknown}', not idle, after 60 s (see $dir/log)" >&2
exit 1
