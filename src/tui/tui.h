#ifndef SOCKLAB_TUI_H
#define SOCKLAB_TUI_H

/* Runs the lab; argv holds the options after the program name. Returns
 * the process exit status. */
int tui_main(int argc, char **argv);

#endif
