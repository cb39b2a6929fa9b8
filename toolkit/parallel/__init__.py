"""Running N jobs of a step with Kaldi's run.pl contract: JOB ranges, per-job logs, failure reports."""
