"""Data directories in Kaldi's layout: read, write, validate, fix, split, subset, combine.

- files:     which files a data directory holds, what each is keyed by, valid values
- datadir:   DataDir, the tables in memory (consistent on reading, sorted on writing)
- validate:  every problem utils/validate_data_dir.sh would flag, located at file:line
- fix:       utils/fix_data_dir.sh: sort, filter to the common utterances, back up
- split:     utils/split_data.sh: N speaker-disjoint parts for N jobs
- subset:    utils/subset_data_dir.sh selections (lists, first/last/random N)
- combine:   utils/combine_data.sh
- durations: utt2dur from segments or from the audio of wav.scp entries
"""
