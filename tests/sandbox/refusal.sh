# When the sandbox cannot be made. Where unprivileged user namespaces are
# disabled, `--sandbox` names the setting that blocks them (read from
# /proc/sys), what to do, and exits 2: made to happen by the test-only seam
# SOCKLAB_FAULT_USERNS=DIR (act refused, read the settings under DIR), and
# for real (as root) in a user namespace whose user.max_user_namespaces is
# 0, the machine's own setting untouched. A step that fails half-way
# (SOCKLAB_FAULT_SANDBOX=STEP) is named with its cause, exits 1 and leaves
# nothing behind. As root and as nobody.
. "$SOCKLAB_TESTS/lib.sh"
. "$SOCKLAB_TESTS/cli/common.bash"
. "$SOCKLAB_TESTS/sandbox/common.bash"
sandbox_users "$@"

# refused SETTING VALUE ALLOW: a fake /proc/sys where SETTING holds VALUE.
refused() {
	local name=$1 value=$2 allow=$3 dir=$T_DIR/sys-$1 file
	file=$dir/$(tr . / <<<"$name")
	mkdir -p "$(dirname "$file")"
	echo "$value" >"$file"
	for cmd in "serve --sandbox tcp:echo:dual:0" "--sandbox"; do
		# shellcheck disable=SC2086
		run_out out env SOCKLAB_FAULT_USERNS="$dir" "$SOCKLAB" $cmd
		check "$name=$value: socklab $cmd exits 2" 2 "$RC"
		check_match "  names the setting, its value and where it was read" \
			"disabled here by $name = $value \(read from $file\)" "$(last_err)"
		check_match "  says what to do" "sudo sysctl -w $name=$allow.*or run socklab as root" \
			"$(last_err | tr '\n' ' ')"
		check "  and prints nothing on stdout" "" "$out"
	done
}
refused kernel.apparmor_restrict_unprivileged_userns 1 0
refused user.max_user_namespaces 0 10000
refused kernel.unprivileged_userns_clone 0 1

# A real refusal, no seam: as root, a user namespace of the test's own whose
# user.max_user_namespaces is 0 (the machine's setting stays as it is), and
# socklab run there as nobody reads it from the real /proc/sys.
if [ "$SB_AS" = root ] && [ -x "$PY" ]; then
	before=$(cat /proc/sys/user/max_user_namespaces)
	run_out out "$PY" "$SOCKLAB_TESTS/sandbox/limit_userns.py" \
		"${NOBODY[@]}" "$SOCKLAB" serve --sandbox tcp:echo:dual:0
	check "a real refusal (max_user_namespaces 0 where socklab runs): exit 2" 2 "$RC"
	check_match "  names the setting as read from /proc/sys" \
		"disabled here by user\.max_user_namespaces = 0 \(read from /proc/sys/user/max_user_namespaces\)" \
		"$(last_err)"
	check "the machine's own user.max_user_namespaces is untouched" "$before" \
		"$(cat /proc/sys/user/max_user_namespaces)"
fi

# Refused, by no setting socklab knows: said so, with the system's cause.
mkdir -p "$T_DIR/sys-none/kernel"
echo 0 >"$T_DIR/sys-none/kernel/apparmor_restrict_unprivileged_userns"
run_out out env SOCKLAB_FAULT_USERNS="$T_DIR/sys-none" "$SOCKLAB" serve --sandbox tcp:echo:dual:0
check "refused by no known setting: exit 2" 2 "$RC"
check_match "  gives the cause and the settings looked at" \
	"refused a user namespace \(.*Operation not permitted\).*no setting socklab knows.*apparmor_restrict_unprivileged_userns" \
	"$(last_err | tr '\n' ' ')"

# A step that fails half-way: named, exit 1, nothing left behind.
# STEP@b: that step on host b, while the process has entered it.
for step in "host b" netlink "veth pair" loopback loopback@b "link-local mode" "link-local mode@b" \
	"link up" "link up@b" address address@b ready; do
	run_out out env SOCKLAB_FAULT_SANDBOX="$step" "$SOCKLAB" serve --sandbox tcp:echo:dual:0
	check "step '$step' fails: exit 1" 1 "$RC"
	want="socklab: sandbox: ${step%@b}:.*fault injected by SOCKLAB_FAULT_SANDBOX"
	[ "$step" = "${step%@b}" ] || want="socklab: sandbox: ${step%@b}:.* host b: fault injected by SOCKLAB_FAULT_SANDBOX"
	check_match "  the message names the step, the host and the cause" "$want" "$(last_err)"
	check "  no server started" "" "$out"
	if no_holders; then ok "  no holder of host b left"; else fail "  holder left after '$step': $(holders)"; fi
done
if host_has_sandbox_addr; then fail "a sandbox address is on the machine's own network"; else
	ok "nothing of the sandbox on the machine's own network"; fi
t_done
