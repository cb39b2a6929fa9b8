# Parses command-line options with Kaldi's semantics; source it after the
# configuration section of a script:   . parse_options.sh || exit 1
#
#   --foo-bar VALUE   sets the existing shell variable foo_bar (an option whose
#                     variable the script does not define is an error naming it)
#   --config FILE     sources FILE first, so command-line options override it
#   --help | -h       prints $help_message and exits 0
# A variable whose default is true or false only accepts true or false.
# Parsing stops at the first argument that does not start with --; the
# positional arguments are left in "$@".

# --config files are sourced before any other option is applied.
if [ $# -gt 0 ] && [ "${!#}" = "--config" ]; then
  echo "$0: option --config needs a value" >&2
  exit 1
fi
for ((_po_i = 1; _po_i < $#; _po_i++)); do
  if [ "${!_po_i}" = "--config" ]; then
    _po_j=$((_po_i + 1))
    config=${!_po_j}
    if [ ! -r "$config" ]; then
      echo "$0: cannot read config file '$config' (given with --config)" >&2
      exit 1
    fi
    # shellcheck disable=SC1090
    . "$config"
  fi
done

while [ $# -gt 0 ]; do
  case "$1" in
    --help|-h)
      if [ -z "${help_message:-}" ]; then
        echo "$0: no help message defined" >&2
      else
        printf '%s\n' "$help_message" >&2
      fi
      exit 0 ;;
    --*=*)
      echo "$0: options must be given as '--name value', not '$1'" >&2
      exit 1 ;;
    --)
      shift; break ;;
    --*)
      _po_name=$(echo "${1#--}" | tr - _)
      if ! [[ $_po_name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
        echo "$0: invalid option name '$1'" >&2
        exit 1
      fi
      if [ -z "${!_po_name+set}" ]; then
        echo "$0: invalid option $1 (this script has no variable $_po_name)" >&2
        exit 1
      fi
      if [ $# -lt 2 ]; then
        echo "$0: option $1 needs a value" >&2
        exit 1
      fi
      _po_old=${!_po_name}
      if [ "$_po_old" = true ] || [ "$_po_old" = false ]; then
        if [ "$2" != true ] && [ "$2" != false ]; then
          echo "$0: option $1 takes true or false, got '$2'" >&2
          exit 1
        fi
      fi
      printf -v "$_po_name" '%s' "$2"
      shift 2 ;;
    *)
      break ;;
  esac
done
unset _po_i _po_j _po_name _po_old
true
