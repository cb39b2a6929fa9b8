# How the jobs of this recipe run: local processes by default. On a cluster, put its
# runner here with the same options (every runner takes run_local.sh's arguments).
export train_cmd="run_local.sh"
export decode_cmd="run_local.sh --mem 4G"
