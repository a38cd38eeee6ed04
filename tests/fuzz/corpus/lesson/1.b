�socklab-lesson 1
# Section 1.b: the same echo through a stdio stream (Python's makefile()).
id 1.b
title.en The same echo through a stdio stream
title.es El mismo eco con un flujo stdio
serve tcp:echo-stdio:ipv4:9101@127.0.0.1

step
text.en Here the server wraps the socket in a stdio stream, C's twin of Python's makefile(), and reads with a line-by-line loop. The buffering is the stream's job now: however the bytes arrive, the loop gets exactly one line each time round.
text.en Send two lines in one write again: the log shows one READLINE per line (the stream's read, not a recv), each followed by its reply.
text.es Aquí el servidor envuelve el socket en un flujo stdio, el gemelo en C del makefile() de Python, y lee con un bucle línea a línea. Ahora el búfer es cosa del flujo: lleguen como lleguen los bytes, el bucle recibe exactamente una línea en cada vuelta.
text.es Envíe de nuevo dos líneas en una sola escritura: el registro muestra una READLINE (Línea leída) por línea (la lectura del flujo, no un recv), cada una seguida de su respuesta.
run printf 'hola\nmundo\n' | {b}socklab client {host1} {port1}
try /connect 127.0.0.1 {port1}
try hola
try mundo
check one-line-per-recv where port={port1}
label.en the stdio stream handed the lines over one at a time
label.es el flujo stdio entregó las líneas de a una
