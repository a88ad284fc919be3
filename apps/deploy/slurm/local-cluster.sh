#!/usr/bin/env bash
# A throw-away ONE-NODE Slurm cluster on this Debian 12 machine, to run nf-batch.sbatch for real:
#
#   apps/deploy/slurm/local-cluster.sh [options] NF_BINARY MANIFEST.jsonl OUT_DIR [-- nf batch run options...]
#   apps/deploy/slurm/local-cluster.sh --stop [--state DIR]      stops daemons left running by --keep
#
#   --tasks N          array size, i.e. shards (default: the node's CPUs, at most the manifest's line count)
#   --cpus-per-task C  CPUs per array task (default 1: the tasks run side by side on the node)
#   --keep             leave munged/slurmctld/slurmd running afterwards (squeue, sinfo, sbatch keep working
#                      with SLURM_CONF=<state>/slurm.conf); default: stop what this script started
#   --state DIR        where config, daemon state and daemon logs go (default /tmp/nf-slurm)
#
# What it does, printing each step: installs slurm-wlm and munge from Debian if missing (root needed);
# starts munged as Debian's service would (user munge, key /etc/munge/munge.key) unless one answers already;
# writes DIR/slurm.conf for this host alone (its CPUs and memory from `slurmd -C`); starts slurmctld and
# slurmd on that file (previous daemons of this script are stopped first and the controller's state is
# cleared, so re-running is safe); waits until the node is idle; runs
#   sbatch --wait --array=0-<N-1> apps/deploy/slurm/nf-batch.sbatch MANIFEST OUT_DIR ...
# with NF=NF_BINARY; prints each task's state and log; then runs `NF_BINARY batch merge OUT_DIR`.
# Exit code: 0 when every array task and the merge succeeded, else the first failure's.
#
# Choices that make it work in a container / VM sandbox without systemd or a writable cgroup tree
# (apps/deploy/README.md lists the problems met):
# - The config lives in the state dir and every Slurm command gets it through SLURM_CONF (or -f): /etc/slurm
#   is not touched. Daemons are started directly (no systemd) with their pid and log files in the state dir.
# - ProctrackType=proctrack/linuxproc, TaskPlugin=task/none, JobAcctGatherType=jobacct_gather/none: no cgroup
#   plugin is loaded (proctrack/cgroup and task/cgroup need a cgroup hierarchy slurmd may write to).
# - SelectType=select/cons_tres with CR_Core: array tasks share the node, one core per task by default.
# - SlurmUser=root, no accounting database (slurmdbd): nothing to set up beyond this file.
# - SlurmctldHost and NodeAddr are 127.0.0.1, so the host name need not resolve.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state=/tmp/nf-slurm
tasks=""
cpus=1
keep=0
stop_only=0
args=()
while (($#)); do
  case "$1" in
    --tasks) tasks="$2"; shift 2 ;;
    --cpus-per-task) cpus="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --state) state="$2"; shift 2 ;;
    --stop) stop_only=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    *) args+=("$1"); shift ;;
  esac
done
extra=("$@")
say() { echo "local-cluster: $*"; }
die() { echo "local-cluster: error: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "run as root (it starts munged, slurmctld and slurmd)"
state="$(realpath -m "$state")"
conf="$state/slurm.conf"
export SLURM_CONF="$conf"

# Stops the daemons this script started (their pid files are in the state dir); waits until they are gone.
stop_daemons() {
  local name pid
  for name in slurmd slurmctld munged; do
    [ -f "$state/$name.pid" ] || continue
    pid="$(cat "$state/$name.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      say "stopping $name (pid $pid)"
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && { say "$name did not stop; killing it"; kill -9 "$pid" || true; }
    fi
    rm -f "$state/$name.pid"
  done
}

if ((stop_only)); then stop_daemons; exit 0; fi
((${#args[@]} == 3)) || die "usage: $0 [--tasks N] [--cpus-per-task C] [--keep] [--state DIR] NF_BINARY MANIFEST OUT_DIR [-- nf batch run options]"
nf="$(realpath -e "${args[0]}")" || die "no nf binary ${args[0]}"
[ -x "$nf" ] || die "$nf is not executable"
manifest="$(realpath -e "${args[1]}")" || die "no manifest ${args[1]}"
out="$(realpath -m "${args[2]}")"
jobs="$(grep -c . "$manifest" || true)"
((jobs > 0)) || die "manifest $manifest has no jobs"

# 1. Packages.
missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. A clean start: daemons of an earlier run of this script go; its config and controller state are replaced.
stop_daemons
mkdir -p "$state/ctld" "$state/slurmd" "$state/log"
trap '((keep)) || stop_daemons' EXIT

# 3. munge: reuse a munged that answers (e.g. Debian's service), else start one as the service does.
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "munged is running already; using it"
else
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating /etc/munge/munge.key"
    mungekey --create --keyfile /etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 600 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 0755 /run/munge /var/log/munge /var/lib/munge
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  for _ in $(seq 100); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  cp /run/munge/munged.pid "$state/munged.pid"
  munge -n | unmunge >/dev/null || die "munged started but does not answer (see /var/log/munge/munged.log)"
  say "started munged (pid $(cat "$state/munged.pid"))"
fi

# 4. slurm.conf for this host alone: its hardware as slurmd itself measures it.
node="$(hostname -s)"
hardware="$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')"
node_cpus="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hardware")"
cat >"$conf" <<EOF
# Written by apps/deploy/slurm/local-cluster.sh: a one-node cluster on $node, no cgroups, no accounting.
ClusterName=nflocal
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=${NF_SLURMCTLD_PORT:-6817}
SlurmdPort=${NF_SLURMD_PORT:-6818}
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# Jobs stopped by scancel/time limit get SIGTERM, then SIGKILL after KillWait seconds: time for nf's snapshot.
KillWait=60
NodeName=$node NodeAddr=127.0.0.1 $hardware State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
say "wrote $conf: NodeName=$node $hardware"

# 5. Daemons. -c: start from a clear controller state (no jobs or node states of an earlier run).
# The daemons fork and write their pid files a moment later: wait for each (stop_daemons needs them).
wait_pid_file() {
  for _ in $(seq 100); do [ -s "$state/$1.pid" ] && return 0; sleep 0.1; done
  tail -n 20 "$state/log/$1.log" >&2 || true
  die "$1 did not start (its log above)"
}
slurmctld -c -f "$conf"
wait_pid_file slurmctld
slurmd -c -f "$conf" -N "$node"
wait_pid_file slurmd
say "started slurmctld (pid $(cat "$state/slurmctld.pid")) and slurmd (pid $(cat "$state/slurmd.pid"))"

# 6. Wait for the node to be idle (slurmd registers within seconds).
for _ in $(seq 60); do
  node_state="$(sinfo -h -n "$node" -o %T 2>/dev/null || true)"
  [ "$node_state" = idle ] && break
  if [[ "$node_state" == down* || "$node_state" == drain* ]]; then
    scontrol update NodeName="$node" State=RESUME 2>/dev/null || true
  fi
  sleep 1
done
if [ "$node_state" != idle ]; then
  tail -n 20 "$state/log/slurmctld.log" "$state/log/slurmd.log" >&2 || true
  die "node $node is '${node_state:-not registered}' after 60 s (logs above)"
fi
sinfo

# 7. The array job. Shards: one per CPU by default, never more than jobs.
if [ -z "$tasks" ]; then tasks=$((node_cpus / cpus)); ((tasks >= 1)) || tasks=1; ((tasks <= jobs)) || tasks=$jobs; fi
mkdir -p "$out/logs"
say "submitting $tasks array tasks over $jobs jobs of $manifest into $out (nf: $nf)"
set +e
submitted="$(NF="$nf" sbatch --parsable --wait --array=0-$((tasks - 1)) --cpus-per-task="$cpus" \
  --output="$out/logs/%x-%A_%a.out" --chdir="$out" "$here/nf-batch.sbatch" "$manifest" "$out" "${extra[@]}")"
batch_rc=$?
set -e
array_id="${submitted%%;*}"
say "sbatch --wait returned $batch_rc for array job $array_id"
scontrol -o show job "$array_id" 2>/dev/null | grep -oE ' (ArrayJobId|ArrayTaskId|JobState|ExitCode)=[^ ]+' |
  paste -d' ' - - - - || true
for log in "$out"/logs/*-"$array_id"_*.out; do
  [ -f "$log" ] || continue
  echo "----- $log"
  cat "$log"
done

# 8. Merge.
say "$nf batch merge $out"
set +e
"$nf" batch merge "$out"
merge_rc=$?
set -e
say "merge returned $merge_rc"
if ((keep)); then say "daemons left running; SLURM_CONF=$conf; stop them with: $0 --stop --state $state"; fi
((batch_rc == 0)) || exit "$batch_rc"
exit "$merge_rc"
