/**
 * The {@code vhd} command-line tool: {@code info}, {@code check}, {@code map}, {@code cat},
 * {@code convert}, {@code compare} and {@code create}, and the commands that change an image in
 * place, {@code commit}, {@code resize}, {@code compact} and {@code repair}; modelled on
 * {@code qemu-img}. {@link io.github.vhd4j.cli.Main}
 * is the entry point; {@link io.github.vhd4j.cli.Main#run(String[], java.io.PrintStream,
 * java.io.PrintStream)} runs a command in-process and returns its exit code.
 */
@NullMarked
package io.github.vhd4j.cli;

import org.jspecify.annotations.NullMarked;
