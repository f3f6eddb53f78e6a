#!/bin/bash
# Submit a sweep as a job array plus the job that assembles the result once the array
# is over (afterany: the assembling job also runs what a failed shard left undone).
#
#   [SWEEP=... OUT=... MSKSIM=... SWEEP_ARGS=...] bash scenarios/sweeps/slurm/submit-array.sh [SBATCH OPTIONS]
#
# SBATCH OPTIONS (e.g. --array=0-63 --cpus-per-task=16 --time=2:00:00 --account=X) go to
# both jobs, except --array, which only the array takes. The variables are passed on to
# the jobs (sbatch exports the environment).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
both=()
array_only=()
for arg in "$@"; do
  case $arg in
  --array=* | -a*) array_only+=("$arg") ;;
  *) both+=("$arg") ;;
  esac
done
array=$(sbatch --parsable "${both[@]}" "${array_only[@]}" "$here/sweep-array.sbatch")
array=${array%%;*}
assemble=$(sbatch --parsable "${both[@]}" --dependency="afterany:$array" "$here/sweep-assemble.sbatch")
assemble=${assemble%%;*}
echo "array job $array, assembling job $assemble"
