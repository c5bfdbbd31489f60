/**
 * The on-disk layout of every VHD structure: one class per structure with its fields' names,
 * offsets and sizes, and its encoding and decoding. The only place a structure offset is written.
 */
@NullMarked
package io.github.vhd4j.internal.vhd.layout;

import org.jspecify.annotations.NullMarked;
