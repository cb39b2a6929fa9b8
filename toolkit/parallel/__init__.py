"""Running N jobs of a step with Kaldi's run.pl contract: JOB ranges, per-job logs, failure reports.

- `runner_args`: the runner command line (`[options] [JOB=1:N] LOG CMD ARG...`), job ranges,
  run.pl's joining of arguments into one bash command line, the variable substitution.
- `job`: one job: bash runs the command, its log gets run.pl's header and footer.
- `pool`: the local scheduler (a bounded number of jobs at once, GPUs handed out
  exclusively, jobs killed on SIGINT/SIGTERM); `gpus`: which GPUs are visible.
- Entry points: `python -m toolkit.bin.run_jobs` (the local runner, wrapped by
  `local/run_local.sh`) and `python -m toolkit.bin.run_one_job` (one job: what a cluster
  runner's array task runs on its node, so both runners write the same logs).

A recipe's cmd.sh chooses the runner; every runner takes the same arguments:

    # cmd.sh: how the jobs of this recipe run.
    # Local processes (default). On a Slurm cluster, use its runner with the same options.
    export train_cmd="run_local.sh"
    export decode_cmd="run_local.sh --mem 4G"
    # GPU steps: one GPU per job; on a machine without a GPU use "run_local.sh".
    export cuda_cmd="run_local.sh --gpu 1"
"""
