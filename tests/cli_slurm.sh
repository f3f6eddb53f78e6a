#!/usr/bin/env bash
# cli_slurm.sh — the sbatch scripts of scenarios/sweeps/slurm/ on a real, single-node
# Slurm cluster started here on localhost: munged, slurmctld and slurmd from Debian
# (packages munge, slurmctld, slurmd, slurm-client), no cgroups
# (proctrack/linuxproc, task/none), private ports, state and sockets in a scratch
# directory, all stopped at the end.
#
#   bash cli_slurm.sh MSKSIM SOURCE_DIR
#
# (a) sweep-mpi.sbatch (mpirun task farm, 2 ranks bound one core each) writes the same
#     datasets as a serial run of the example sweep.
# (b) submit-array.sh: a 3-task job array plus the assembling job, the same datasets.
# (c) The time-limit path: USR1 to the batch shell (what --signal=B:USR1@300 sends) is
#     passed to mpirun and the ranks; msksim exits 75; the script requeues the job; the
#     requeued job resumes from the journal, and the result is again the same.
# Needs root (slurmd runs jobs as their owner) and the daemons; without them it exits
# 77, which CTest reports as skipped. One line per check; exit status = failures.
set -u
if [ $# -lt 2 ]; then
  echo "usage: bash cli_slurm.sh MSKSIM SOURCE_DIR" >&2
  exit 2
fi
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
for tool in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo mpirun; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found (bash .ci/install-deps test installs munge, slurmctld, slurmd, slurm-client, openmpi-bin)"
    exit 77
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: a local Slurm needs root (slurmd starts jobs as their owner); CI runs as root"
  exit 77
fi
if ! "$msk" sweep --help | grep -q 'built with MPI'; then
  echo "SKIP: this msksim was built without MPI"
  exit 77
fi

py=/usr/bin/python3
tools="$py $src/tests/h5tools.py"
example=$src/scenarios/sweeps/bfr-dose.yaml
slurmdir=$src/scenarios/sweeps/slurm
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_cli_slurm.XXXXXX") || exit 1
chmod 755 "$work"
pids=() # the daemons started here, munged included, and only those
stop_all() {
  [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ] && timeout 10 scancel --full --signal=KILL --user=root >/dev/null 2>&1
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  if [ -n "${MSK_KEEP_WORK:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap stop_all EXIT
cd "$work" || exit 1
# The example sweep at 8 base samples (48 runs; the shipped file has 128).
mkdir -p "$work/example" && chmod 755 "$work/example"
cp "$src/scenarios/sweeps/bfr-base.yaml" "$work/example/"
sed 's/^  samples: 128$/  samples: 8/' "$example" >"$work/example/bfr-dose.yaml"
chmod 644 "$work/example/"*.yaml
example=$work/example/bfr-dose.yaml

fail=0
# Every wait has a wall-clock deadline; the client commands get a short timeout
# (Slurm's own retry when the controller is unreachable is a minute per call).
now() { date +%s; }
sq() { timeout 10 "$@"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    sed 's/^/    /' "$work/out" | tail -30
    fail=$((fail + 1))
  fi
}
free_port() {
  $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- The cluster --------------------------------------------------------------------
mkdir -p munge state spool log jobs
chmod 700 munge
dd if=/dev/urandom of=munge/munge.key bs=1024 count=1 2>/dev/null
chmod 400 munge/munge.key
munged --force --socket="$work/munge/munge.sock" --key-file="$work/munge/munge.key" \
  --log-file="$work/log/munged.log" --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/seed" ||
  { echo "FAIL: munged does not start"; cat log/munged.log; exit 1; }
pids+=("$(cat "$work/munge/munged.pid")") # it forks: its pid is in the file

node=$(hostname -s)
cpus=$(nproc)
[ "$cpus" -lt 2 ] && cpus=2 # config_overrides: the test needs 2 slots even on 1 core
ctld_port=$(free_port)
slurmd_port=$(free_port)
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=msksimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool/%n
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
KillWait=5
InactiveLimit=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i >log/slurmctld.out 2>&1 &
pids+=($!)
slurmd -D >log/slurmd.out 2>&1 &
pids+=($!)
up=0
deadline=$(($(now) + 30))
while [ "$(now)" -lt $deadline ]; do
  if sq sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then
    up=1
    break
  fi
  sleep 0.5
done
if [ $up -ne 1 ]; then
  echo "FAIL: the local Slurm did not come up"
  tail -20 log/slurmctld.log log/slurmd.log log/*.out
  exit 1
fi
echo "ok: local Slurm up (node $node, $cpus CPUs, ports $ctld_port/$slurmd_port)"

job_state() { sq scontrol show job "$1" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
wait_job() { # wait_job ID [RESTARTS]: until it ended (after RESTARTS requeues); prints state and exit code
  local id=$1 restarts=${2:-0} line deadline=$(($(now) + 180))
  while [ "$(now)" -lt $deadline ]; do
    [ -f "$SLURM_CONF" ] || break
    line=$(sq scontrol show job "$id" -o 2>/dev/null)
    case "$line" in
    *JobState=COMPLETED* | *JobState=FAILED* | *JobState=CANCELLED* | *JobState=TIMEOUT* | *JobState=NODE_FAIL* | *JobState=OUT_OF_MEMORY*)
      if echo "$line" | grep -q "Restarts=$restarts "; then
        echo "$line" | grep -o 'JobState=[A-Z_]* \|ExitCode=[0-9:]*' | tr -d '\n'
        return 0
      fi
      ;;
    esac
    sleep 0.5
  done
  echo "timeout: $(job_state "$id")"
  return 1
}

# The jobs run as root; OpenMPI needs telling that this is deliberate. sbatch passes
# the environment on (--export=ALL), msksim and the sweep come from here.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export MSKSIM=$msk SWEEP=$example

check "serial reference run of the example sweep" "$msk" sweep "$example" -o ref.h5 -q

# ---- (a) MPI task farm ----------------------------------------------------------------
jid=$(OUT=$work/mpi.h5 sq sbatch --parsable --ntasks=2 --cpus-per-task=1 --time=10 \
  --output="$work/jobs/mpi-%j.log" --chdir="$work" "$slurmdir/sweep-mpi.sbatch")
result=$(wait_job "$jid")
check "sweep-mpi.sbatch completes (2 ranks, one core each): $result" bash -c "echo '$result' | grep -q 'JobState=COMPLETED ExitCode=0:0'"
check "... mpirun gives each rank its cpus-per-task cores (--map-by slot:PE=1)" grep -q -- '--map-by slot:PE=1 --bind-to core' "jobs/mpi-$jid.log"
check "... and writes the datasets of the serial run" $tools same ref.h5 mpi.h5

# ---- (b) job array + assembling job ---------------------------------------------------
ids=$(OUT=$work/array.h5 timeout 30 bash "$slurmdir/submit-array.sh" --array=0-2 --cpus-per-task=1 --time=10 \
  --output="$work/jobs/array-%A_%a.log" 2>&1)
array_id=$(echo "$ids" | sed -n 's/^array job \([0-9]*\), assembling job \([0-9]*\)$/\1/p')
assemble_id=$(echo "$ids" | sed -n 's/^array job \([0-9]*\), assembling job \([0-9]*\)$/\2/p')
if [ -z "$array_id" ] || [ -z "$assemble_id" ]; then
  echo "FAIL: submit-array.sh did not submit two jobs: $ids"
  fail=$((fail + 1))
else
  result=$(wait_job "$assemble_id")
  check "submit-array.sh: 3 shards then the assembling job complete: $result" bash -c "echo '$result' | grep -q 'JobState=COMPLETED ExitCode=0:0'"
  check "... the array's result has the datasets of the serial run" $tools same ref.h5 array.h5
  check "... and no journal is left" bash -c "! ls array.h5.journal* 2>/dev/null"
fi

# ---- (c) time limit: USR1, exit 75, self-requeue, resume --------------------------------
jid=$(OUT=$work/requeue.h5 sq sbatch --parsable --ntasks=2 --cpus-per-task=1 --time=10 \
  --output="$work/jobs/requeue-%j.log" --chdir="$work" "$slurmdir/sweep-mpi.sbatch")
journaled=0
deadline=$(($(now) + 60))
while [ "$(now)" -lt $deadline ]; do
  n=$(grep -c '^task ' requeue.h5.journal 2>/dev/null)
  if [ "${n:-0}" -ge 3 ]; then
    journaled=1
    break
  fi
  sleep 0.02
done
if [ $journaled -ne 1 ]; then
  echo "FAIL: the job to be signalled did not journal 3 runs ($(job_state "$jid"))"
  fail=$((fail + 1))
else
  sq scancel --batch --signal=USR1 "$jid"
  # A requeued job waits about two minutes (Slurm's begin-time delay): once it is
  # pending again, release it. Not at once: slurmd refuses credentials of the same
  # second as the revocation that came with the requeue ("Job credential revoked").
  deadline=$(($(now) + 30))
  while [ "$(now)" -lt $deadline ]; do
    sq scontrol show job "$jid" -o 2>/dev/null | grep -q 'JobState=PENDING .*Restarts=1 ' && break
    sleep 0.1
  done
  sleep 2
  sq scontrol update JobId="$jid" StartTime=now
  result=$(wait_job "$jid" 1)
  log=jobs/requeue-$jid.log
  case $result in *COMPLETED*) ;; *) echo "    the job's log:"; grep -v 'warning' "$log" | sed 's/^/    /' ;; esac
  check "USR1 to the batch shell: msksim exits 75 and the script requeues the job" bash -c \
    "grep -q 'interrupted with runs left; requeueing job $jid' $log && grep -q 'interrupted; [0-9]* of 48 runs are done' $log"
  check "the requeued job resumes from the journal and completes: $result" bash -c \
    "echo '$result' | grep -q 'JobState=COMPLETED ExitCode=0:0' && grep -q 'restart 1' $log && grep -Eq 'resuming: [0-9]+ of 48 runs found' $log"
  check "... with the datasets of the serial run" $tools same ref.h5 requeue.h5
fi

echo "$fail failure(s)"
exit $fail
