# Section 1: the tutorial's TCP/IPv4 echo (hand-made line buffer).
# client_tcp_ipv4.py gets from `socklab serve tcp:echo:ipv4:9101` exactly
# what it gets from server_tcp_ipv4_echo.py, and `socklab client` gets from
# server_tcp_ipv4_echo.py what client_tcp_ipv4.py gets. In a private
# network namespace (see common.bash).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.bash"
interop_netns "$@"
echo_section server_tcp_ipv4_echo.py tcp:echo:ipv4:9101

t_done
