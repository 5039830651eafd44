# bash completion for ipctool(1)                          -*- shell-script -*-
#
# Adding a subcommand: its name in _ipctool_commands, a line in
# _ipctool_options listing every long option of `ipctool SUB --help' (with
# a trailing = when it takes a value), and its name in _ipctool_targets if
# its TARGET is a System V object.  tests/cli.bats checks the first two
# against the binary.

_ipctool_commands="mkq send recv mkshm shm-write shm-read mksem sem-p sem-v fifo pipe-run signal-send signal-wait list rm help"

# The long options of each subcommand; OPTION= takes a value.
_ipctool_options()
{
	case $1 in
	mkq) echo "--key= --ftok= --mode= --exclusive --max-bytes= --max-messages= --message-size= --help" ;;
	send) echo "--key= --ftok= --type= --priority= --lines --null --string --json --nowait --timeout= --help" ;;
	recv) echo "--key= --ftok= --type= --except --count= --follow --null --raw --json --string --peek --batch= --lockstep --exec --jobs= --dead-letter= --nowait --timeout= --help" ;;
	fifo) echo "--mode= --exclusive --read --write --nowait --timeout= --help" ;;
	pipe-run) echo "--pipefail --status --sep= --help" ;;
	signal-send) echo "--value= --group --wait= --kill-after= --list --help" ;;
	signal-wait) echo "--timeout= --count= --help" ;;
	mkshm) echo "--key= --ftok= --size= --mode= --exclusive --help" ;;
	shm-write) echo "--key= --ftok= --offset= --string --lock= --help" ;;
	shm-read) echo "--key= --ftok= --offset= --length= --string --hex --lock= --help" ;;
	mksem) echo "--key= --ftok= --nsems= --value= --mode= --exclusive --help" ;;
	sem-p) echo "--key= --ftok= --num= --count= --nowait --timeout= --help" ;;
	sem-v) echo "--key= --ftok= --num= --count= --help" ;;
	list) echo "--key= --ftok= --queues --shm --sems --sysv --posix --user= --json --raw --export --noheadings --output= --limits --summary --peek --help" ;;
	rm) echo "--key= --ftok= --queue --shm --sem --all --user= --sysv --posix --dry-run --help" ;;
	esac
}

# POSIX objects in /dev/shm as /names: shared memory (shm), or named
# semaphores (sem, the files sem.NAME).
_ipctool_posix_names()
{
	local f
	for f in /dev/shm/*; do
		[[ -f $f ]] || continue
		f=${f#/dev/shm/}
		if [[ $1 == sem ]]; then
			[[ $f == sem.* ]] && echo "/${f#sem.}"
		else
			[[ $f == sem.* ]] || echo "/$f"
		fi
	done
}

# POSIX message queues as /names, from wherever the mqueue file system is
# mounted (usually /dev/mqueue).
_ipctool_mq_names()
{
	local dir
	dir=$(awk '$3 == "mqueue" { print $2; exit }' /proc/self/mounts 2>/dev/null)
	[[ -n $dir ]] && ls -A "$dir" 2>/dev/null | sed 's|^|/|'
}

# Existing objects a TARGET may name: ids, then keys as ipcs prints them,
# then POSIX /names.
_ipctool_targets()
{
	local table
	case $1 in
	mkq | send | recv) table=/proc/sysvipc/msg; _ipctool_mq_names ;;
	mkshm | shm-write | shm-read) table=/proc/sysvipc/shm; _ipctool_posix_names shm ;;
	mksem | sem-p | sem-v) table=/proc/sysvipc/sem; _ipctool_posix_names sem ;;
	list | rm) table="/proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem" ;;
	*) return ;;
	esac
	awk 'FNR > 1 {
		print $2
		k = $1 + 0
		if (k != 0) { if (k < 0) k += 4294967296; printf "0x%08x\n", k }
	}' $table 2>/dev/null
}

# Existing POSIX objects as /names: files in /dev/shm (sem.NAME is the
# semaphore /NAME) and in the mqueue mount that /proc/self/mountinfo names.
_ipctool_every_posix_name()
{
	local f mq
	mq=$(awk '/ - mqueue / { d = $5 } END { print d }' /proc/self/mountinfo 2>/dev/null)
	for f in /dev/shm/* ${mq:+"$mq"/*}; do
		[[ -f $f ]] || continue
		f=${f##*/}
		printf '/%s\n' "${f#sem.}"
	done
}

# Signal names as `ipctool signal-send --list' prints them, and without SIG.
_ipctool_signals()
{
	ipctool signal-send --list 2>/dev/null | awk '{ print $2; sub(/^SIG/, "", $2); print $2 }'
}

# pipe-run after its `--': a command name at the start of each stage, then
# its arguments (files).  Returns 1 before the `--'.
_ipctool_pipe_run()
{
	local i sep='|' dd=0
	for ((i = $1 + 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--sep | -S) ((i + 1 < COMP_CWORD)) && sep=${COMP_WORDS[i + 1]}; ((i++)) ;;
		--sep=*) sep=${COMP_WORDS[i]#--sep=} ;;
		--) dd=$i; break ;;
		esac
	done
	((dd)) || return 1
	local prev=${COMP_WORDS[COMP_CWORD - 1]}
	prev=${prev//\'/}
	prev=${prev//\"/}
	prev=${prev#\\}
	if ((COMP_CWORD == dd + 1)) || [[ $prev == "$sep" ]]; then
		COMPREPLY=($(compgen -c -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
	return 0
}

_ipctool()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= sub= i j positional=0
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) sub=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $sub ]]; then
		COMPREPLY=($(compgen -W "$_ipctool_commands --help --version" -- "$cur"))
		return
	fi
	if [[ $sub == help ]]; then
		((COMP_CWORD == i + 1)) && COMPREPLY=($(compgen -W "$_ipctool_commands" -- "$cur"))
		return
	fi

	[[ $sub == pipe-run ]] && _ipctool_pipe_run "$i" && return
	# sem-p ... -- COMMAND ARGS: a command name, then its arguments.
	if [[ $sub == sem-p ]]; then
		for ((j = i + 1; j < COMP_CWORD; j++)); do
			if [[ ${COMP_WORDS[j]} == -- ]]; then
				if ((COMP_CWORD == j + 1)); then
					COMPREPLY=($(compgen -c -- "$cur"))
				else
					COMPREPLY=($(compgen -f -- "$cur"))
				fi
				return
			fi
		done
	fi

	local opts
	opts=" $(_ipctool_options "$sub") "
	# --opt=value: bash splits the word at '='.
	if [[ $cur == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	if [[ $prev == --* && $opts == *" $prev= "* ]]; then
		case $prev in
		--ftok) COMPREPLY=($(compgen -f -- "$cur")) ;;
		--lock) COMPREPLY=($(compgen -W "$(_ipctool_targets sem-p)" -- "$cur")) ;;
		--user) COMPREPLY=($(compgen -u -- "$cur")) ;;
		--output) COMPREPLY=($(compgen -W "$(ipctool list --output help 2>/dev/null | awk '{ print $1 }')" -- "$cur")) ;;
		esac
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi

	# The first positional argument is the TARGET.
	for ((i = i + 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--key | --ftok) positional=1 ;;
		-* | =) ;;
		*)
			[[ ${COMP_WORDS[i - 1]} == --* && $opts == *" ${COMP_WORDS[i - 1]}= "* ]] ||
				[[ ${COMP_WORDS[i - 1]} == = ]] || positional=1
			;;
		esac
	done
	case $sub in
	fifo)
		((positional)) || COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	signal-wait)
		COMPREPLY=($(compgen -W "$(_ipctool_signals)" -- "$cur"))
		return
		;;
	signal-send)
		# SIGNAL first, then PIDs.
		if ((positional)); then
			COMPREPLY=($(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_ipctool_signals)" -- "$cur"))
		fi
		return
		;;
	pipe-run)
		[[ $cur ]] || COMPREPLY=(--)
		return
		;;
	esac
	# rm takes any number of TARGETs.
	[[ $sub == rm ]] && positional=0
	if [[ $cur == /* && ($sub == list || $sub == rm) ]]; then
		((positional)) || COMPREPLY=($(compgen -W "$(_ipctool_every_posix_name)" -- "$cur"))
		return
	fi
	((positional)) || COMPREPLY=($(compgen -W "$(_ipctool_targets "$sub")" -- "$cur"))
}
complete -F _ipctool ipctool
