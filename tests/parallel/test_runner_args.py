"""The runner command line: job ranges, options, run.pl's joining of arguments."""
import subprocess

import pytest

from toolkit.parallel.runner_args import UsageError, join_command, parse_job_range, parse_runner_args


def test_join_command_follows_run_pl_quoting():
    # Known answers from run.pl's rule: no white space -> as is; with a double quote -> '...'; else "...".
    args = ["copy-feats", "ark:-", "|", "ark,t:foo bar.ark", 'say "hi" there', "", "a\tb"]
    assert join_command(args) == "copy-feats ark:- | \"ark,t:foo bar.ark\" 'say \"hi\" there' \"\" \"a\tb\""


def test_joined_arguments_reach_the_command_unchanged():
    # Invariant: bash splits the joined line back into the original words (for words free of
    # characters that double quotes still interpret: $ ` \ !). Words without white space are
    # shell syntax on purpose (a lone | is a pipe), so only plain ones are checked here.
    args = ["a b", "  lead", "trail  ", "", 'q "x" y', "it's here", "tab\there", "ark:-", "--opt=1"]
    out = subprocess.run(
        ["bash", "-c", "printf '%s\\0' " + join_command(args)], capture_output=True, text=True, check=True
    ).stdout
    assert out.split("\0")[:-1] == args


@pytest.mark.parametrize(
    "arg, expected",
    [("JOB=1:8", ("JOB", 1, 8)), ("TASK=3:5", ("TASK", 3, 5)), ("JOB=2", ("JOB", 2, 2)), ("n_1=7:7", ("n_1", 7, 7))],
)
def test_parse_job_range(arg, expected):
    assert parse_job_range(arg) == expected


@pytest.mark.parametrize(
    "arg, message",
    [
        ("JOB=a:b", "malformed job range 'JOB=a:b'"),
        ("JOB=1:", "malformed job range"),
        ("JOB=1:2:3", "malformed job range"),
        ("JOB=5:3", "last job number is smaller"),
        ("JOB=0:3", "first job number must be at least 1"),
    ],
)
def test_bad_job_ranges_are_named(arg, message):
    with pytest.raises(UsageError, match=message):
        parse_job_range(arg)


def test_request_substitutes_the_variable_everywhere():
    r = parse_runner_args(["TASK=3:5", "exp/TASK/log/x.TASK.log", "echo", "TASK", "ark:a.TASK.ark", "TASKS"])
    assert list(r.job_ids) == [3, 4, 5]
    assert r.log_path(4) == "exp/4/log/x.4.log"
    # run.pl substitutes the text anywhere, also inside a longer word.
    assert r.command_for(4) == "echo 4 ark:a.4.ark 4S"
    assert r.failed_logs_pattern() == "exp/*/log/x.*.log"


def test_form_without_range_is_one_job_without_substitution():
    r = parse_runner_args(["exp/log/one.log", "echo", "JOB"])
    assert r.job_var is None and list(r.job_ids) == [1]
    assert r.log_path(1) == "exp/log/one.log" and r.command_for(1) == "echo JOB"


def test_options_before_and_after_the_range(tmp_path):
    conf = tmp_path / "slurm.conf"
    conf.write_text("command sbatch\n")
    r = parse_runner_args(
        ["--mem", "4G", "--num-threads=2", "JOB=1:2", "-tc", "3", "--gpu", "0", "--config", str(conf),
         "l.JOB", "cmd", "--max-jobs-run", "9"]
    )
    assert (r.mem, r.num_threads, r.max_jobs_run, r.gpu, r.config) == ("4G", 2, 3, 0, str(conf))
    # Options after the log file belong to the command.
    assert r.command == "cmd --max-jobs-run 9"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--foo", "1", "JOB=1:2", "l.JOB", "cmd"], "unknown option '--foo'"),
        (["--max-jobs-run", "x", "l", "cmd"], "--max-jobs-run takes a positive integer, got 'x'"),
        (["--max-jobs-run", "0", "l", "cmd"], "positive integer, got '0'"),
        (["--num-threads", "-1", "l", "cmd"], "--num-threads takes a positive integer"),
        (["--gpu", "yes", "l", "cmd"], "--gpu takes a number of GPUs"),
        (["--mem", "lots", "l", "cmd"], "--mem takes a size"),
        (["--config", "/no/such/queue.conf", "l", "cmd"], "cannot read the file '/no/such/queue.conf'"),
        (["--mem"], "option --mem needs a value"),
        (["JOB=1:4"], "no log file given"),
        (["JOB=1:4", "l.JOB"], "no command given"),
        ([], "no log file given"),
        (["JOB=1:4", "exp/log/x.log", "cmd"], "4 jobs would all write the same log file 'exp/log/x.log'"),
        (["JOB=x", "l", "cmd"], "malformed job range 'JOB=x'"),
    ],
)
def test_bad_usage_names_the_problem(argv, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        parse_runner_args(argv)


def test_one_numbered_job_may_share_a_log_name():
    assert parse_runner_args(["JOB=3", "exp/log/x.log", "cmd"]).log_path(3) == "exp/log/x.log"
