# Section 1.b: the same echo through makefile() (socklab: echo-stdio).
# client_tcp_ipv4.py gets from `socklab serve tcp:echo-stdio:ipv4:9101`
# exactly what it gets from server_tcp_ipv4_echo_makefile.py, and
# `socklab client` gets from that server what client_tcp_ipv4.py gets.
# In a private network namespace (see common.bash).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns "$@"
echo_section server_tcp_ipv4_echo_makefile.py tcp:echo-stdio:ipv4:9101

t_done
