# What several benchmarks share; sourced, not run.

now() { date +%s.%N; }

# best_of N CMD...: the shortest wall time of N runs, in seconds.
best_of() {
	local n=$1 best= t0 t1 d; shift
	for ((i = 0; i < n; i++)); do
		t0=$(now); "$@"; t1=$(now)
		d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
		if [ -z "$best" ] || awk -v d="$d" -v b="$best" 'BEGIN { exit !(d < b) }'; then best=$d; fi
	done
	printf '%.4f\n' "$best"
}

# make_objects N: N System V objects, a third of each kind (exported, for
# the shells that fill a namespace).
make_objects() {
	perl -e 'my $n = $ARGV[0];
		for my $i (1 .. $n) {
			my $k = $i % 3;
			defined($k == 0 ? msgget(0, 01600) : $k == 1 ? shmget(0, 4096, 01600) : semget(0, 2, 01600))
				or die "IPC: $!";
		}' "$1"
}
export -f make_objects
